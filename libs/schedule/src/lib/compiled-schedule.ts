import type { ScheduleKind } from '@flow/contracts';

/** Thrown by `compileSchedule` for an invalid schedule; `errors` name each offending field. */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** Tenant-level inputs a schedule document may leave implicit. */
export interface ScheduleDefaults {
  /** The tenant's IANA zone: used by a cron without `timezone` and by an rrule DTSTART without TZID or Z. */
  timezone: string;
  /** When the schedule began (the pipeline's creation): an interval's default anchor, an rrule's default DTSTART. */
  anchor: Date;
}

/** A schedule parsed once, answering fire-time questions without re-parsing. */
export interface CompiledSchedule {
  readonly kind: ScheduleKind;
  /** The effective IANA zone (`UTC` for interval). */
  readonly timezone: string;
  /** The raw form: the cron expression, `PT15M from 2026-01-01T00:00:00Z`, or the RRULE text. */
  readonly text: string;
  /** Human text such as `at 09:00 on Monday and Thursday (Europe/Berlin)`. */
  readonly description: string;
  /** The next `n` fires strictly after `after`, oldest first (fewer when the schedule ends). */
  nextFireTimes(after: Date, n: number): Date[];
  /** The latest fire at or before `atOrBefore`; consistent with `nextFireTimes` on every day, DST days included. */
  previousFireTime(atOrBefore: Date): Date | null;
  /** Fires in `(afterExclusive, untilInclusive]`, oldest first, at most `limit`. */
  firesBetween(
    afterExclusive: Date,
    untilInclusive: Date,
    limit: number,
  ): Date[];
}

/** An engine works in epoch milliseconds; this base class supplies the `Date` API on top. */
export abstract class FireEngine implements CompiledSchedule {
  abstract readonly kind: ScheduleKind;
  abstract readonly timezone: string;
  abstract readonly text: string;
  abstract readonly description: string;

  /** First fire strictly after `instant`, or null. */
  protected abstract nextAfter(instant: number): number | null;
  /** Last fire at or before `instant`, or null. */
  protected abstract latestAtOrBefore(instant: number): number | null;

  nextFireTimes(after: Date, n: number): Date[] {
    const fires: Date[] = [];
    let cursor = after.getTime();
    while (fires.length < n) {
      const next = this.nextAfter(cursor);
      if (next === null) break;
      fires.push(new Date(next));
      cursor = next;
    }
    return fires;
  }

  previousFireTime(atOrBefore: Date): Date | null {
    const previous = this.latestAtOrBefore(atOrBefore.getTime());
    return previous === null ? null : new Date(previous);
  }

  firesBetween(
    afterExclusive: Date,
    untilInclusive: Date,
    limit: number,
  ): Date[] {
    const fires: Date[] = [];
    const until = untilInclusive.getTime();
    let cursor = afterExclusive.getTime();
    while (fires.length < limit) {
      const next = this.nextAfter(cursor);
      if (next === null || next > until) break;
      fires.push(new Date(next));
      cursor = next;
    }
    return fires;
  }
}
