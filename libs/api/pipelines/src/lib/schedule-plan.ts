import { ValidationFailedError } from '@flow/api/core';
import type { PipelineIr, Schedule, ScheduleKind } from '@flow/contracts';
import { fireHorizonProblems, getCompiledSchedule } from '@flow/schedule';

export interface ScheduleState {
  scheduleKind: ScheduleKind | null;
  /** When the current schedule began; fires at or before it are never expected nor replayed. */
  scheduleSince: Date | null;
  nextFireAt: Date | null;
  /** The fire just before `nextFireAt` when that is after `scheduleSince`: the fire a status page expects to have run. */
  previousFireAt: Date | null;
}

export interface PreviousPipelineState extends ScheduleState {
  ir: PipelineIr;
  paused: boolean;
}

/**
 * Decides a pipeline's schedule columns after a create or an edit, at database time `now`:
 * - a new or changed schedule is re-anchored at `now` — fires before the edit are never replayed;
 * - pausing clears `next_fire_at`; resuming computes the first fire after `now` (fires missed while paused are
 *   skipped, like Airflow's unpause without catchup and Temporal's resume);
 * - an edit that leaves the schedule and the pause state alone keeps `next_fire_at`;
 * - a new or changed schedule that can never fire, or not within 10 years, is refused (`ValidationFailedError`, 400
 *   naming e.g. `ir.schedule.rrule`), paused or not (DESIGN §17).
 * `previous_fire_at` follows `next_fire_at`: the fire just before it (if after `schedule_since`), null while paused.
 */
export function planSchedule(
  previous: PreviousPipelineState | null,
  ir: PipelineIr,
  paused: boolean,
  now: Date,
  tenantTimezone: string,
): ScheduleState {
  const schedule = ir.schedule ?? null;
  if (!schedule)
    return {
      scheduleKind: null,
      scheduleSince: null,
      nextFireAt: null,
      previousFireAt: null,
    };
  const unchanged =
    previous !== null &&
    previous.scheduleSince !== null &&
    sameSchedule(previous.ir.schedule ?? null, schedule);
  // Schedules have minute granularity: a schedule set at 16:58:35 begins at 16:58, so an interval without an anchor
  // fires on whole minutes (16:58 + k·every) — exactly when a once-a-minute tick runs.
  const scheduleSince = unchanged
    ? (previous.scheduleSince as Date)
    : new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const defaults = { timezone: tenantTimezone, anchor: scheduleSince };
  if (!unchanged) {
    const problems = fireHorizonProblems(
      schedule,
      defaults,
      now,
      'ir.schedule',
    );
    if (problems.length > 0) throw new ValidationFailedError(problems);
  }
  if (paused)
    return {
      scheduleKind: schedule.type,
      scheduleSince,
      nextFireAt: null,
      previousFireAt: null,
    };
  if (unchanged && !previous.paused)
    return {
      scheduleKind: schedule.type,
      scheduleSince,
      nextFireAt: previous.nextFireAt,
      previousFireAt: previous.previousFireAt,
    };
  const compiled = getCompiledSchedule(schedule, defaults);
  const [first] = compiled.nextFireTimes(now, 1);
  const before = compiled.previousFireTime(now);
  return {
    scheduleKind: schedule.type,
    scheduleSince,
    nextFireAt: first ?? null,
    previousFireAt:
      before !== null && before.getTime() > scheduleSince.getTime()
        ? before
        : null,
  };
}

function sameSchedule(a: Schedule | null, b: Schedule | null): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
