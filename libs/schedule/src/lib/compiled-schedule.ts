import type { ScheduleKind } from '@flow/contracts';

import { EvaluationBudget, ScheduleBudgetError } from './evaluation-budget';

export { ScheduleError } from './schedule-error';

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
  /**
   * The first fire after `after` if it comes by `horizon` (else `next: null`), and whether the schedule has no fire
   * after `horizon` at all because it ended (UNTIL or COUNT reached) — the write-time "fires within 10 years" check.
   */
  nextFireWithin(
    after: Date,
    horizon: Date,
  ): { next: Date | null; ended: boolean };
}

/** Fire-time questions stop at the end of year 9999 (RFC 5545 dates have four-digit years). */
export const END_OF_TIME = Date.UTC(10000, 0, 1);

/**
 * An engine works in epoch milliseconds; this base class supplies the `Date` API on top and gives every public
 * question its own `EvaluationBudget`. An engine that ran out of steps once (deterministic: it would again) fails
 * fast from then on, so a broken rule costs one budget per process, not one per tick or status request.
 */
export abstract class FireEngine implements CompiledSchedule {
  abstract readonly kind: ScheduleKind;
  abstract readonly timezone: string;
  abstract readonly text: string;
  abstract readonly description: string;
  /** The field a budget error blames, e.g. `schedule.rrule`. */
  protected abstract readonly sourceField: string;
  private exhausted: ScheduleBudgetError | null = null;

  /** First fire strictly after `instant` and at or before `limit`, or null. */
  protected abstract nextAfter(
    instant: number,
    limit: number,
    budget: EvaluationBudget,
  ): number | null;
  /** Last fire at or before `instant`, or null. */
  protected abstract latestAtOrBefore(
    instant: number,
    budget: EvaluationBudget,
  ): number | null;

  /** True when the schedule has no fire after `instant` because it ended (only an rrule ends: others omit it). */
  protected hasEndedBy?(instant: number, budget: EvaluationBudget): boolean;

  private evaluate<T>(question: (budget: EvaluationBudget) => T): T {
    if (this.exhausted) throw this.exhausted;
    try {
      return question(new EvaluationBudget(this.sourceField));
    } catch (error) {
      if (error instanceof ScheduleBudgetError && error.exhausted === 'steps')
        this.exhausted = error;
      throw error;
    }
  }

  nextFireTimes(after: Date, n: number): Date[] {
    return this.evaluate((budget) => {
      const fires: Date[] = [];
      let cursor = after.getTime();
      while (fires.length < n) {
        const next = this.nextAfter(cursor, END_OF_TIME, budget);
        if (next === null) break;
        fires.push(new Date(next));
        cursor = next;
      }
      return fires;
    });
  }

  previousFireTime(atOrBefore: Date): Date | null {
    return this.evaluate((budget) => {
      const previous = this.latestAtOrBefore(atOrBefore.getTime(), budget);
      return previous === null ? null : new Date(previous);
    });
  }

  firesBetween(
    afterExclusive: Date,
    untilInclusive: Date,
    limit: number,
  ): Date[] {
    return this.evaluate((budget) => {
      const fires: Date[] = [];
      const until = untilInclusive.getTime();
      let cursor = afterExclusive.getTime();
      while (fires.length < limit) {
        const next = this.nextAfter(cursor, until, budget);
        if (next === null) break;
        fires.push(new Date(next));
        cursor = next;
      }
      return fires;
    });
  }

  nextFireWithin(
    after: Date,
    horizon: Date,
  ): { next: Date | null; ended: boolean } {
    return this.evaluate((budget) => {
      const next = this.nextAfter(after.getTime(), horizon.getTime(), budget);
      return next === null
        ? {
            next: null,
            ended: this.hasEndedBy?.(horizon.getTime(), budget) ?? false,
          }
        : { next: new Date(next), ended: false };
    });
  }
}
