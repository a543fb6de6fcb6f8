import type { SchedulePolicies } from '@flow/contracts';
import type { CompiledSchedule } from '@flow/schedule';
import { LAG_THRESHOLD_MINUTES } from '@flow/schedule';

/** A fire less than this late is on time, not a misfire (the same 5 minutes that make lag green). */
export const MISFIRE_GRACE_MS = LAG_THRESHOLD_MINUTES * 60_000;
export const DEFAULT_MAX_CATCHUP = 10;
/** Counting missed fires stops here; beyond it the counts are lower bounds (a minutely schedule down a week). */
export const MISSED_FIRE_COUNT_CAP = 10_000;

export interface FirePlan {
  /** Fires to dispatch now, oldest first. */
  fires: Date[];
  /** Older fires folded into the dispatched one (misfire `coalesce`). */
  coalesced: number;
  /** Fires not run because of the misfire policy (`skip`, or beyond `maxCatchup`). */
  skippedByPolicy: number;
  /** The first fire after `now`; null when the schedule has ended. */
  nextFireAt: Date | null;
  /** The latest fire at or before `now` (whatever the policy did with it): the one before `nextFireAt`. */
  previousFireAt: Date;
}

/**
 * Applies the misfire policy to the fires due in `[nextFireAt, now]` (DESIGN §5):
 * - `coalesce` (default): only the latest due fire runs; the older ones are counted as coalesced;
 * - `skip`: missed fires (more than 5 minutes late) never run; the latest on-time fire, if any, does;
 * - `catchup`: the most recent `maxCatchup` due fires run, oldest first; older ones are skipped — like Temporal's
 *   catch-up window, a bounded backlog that never replays an unbounded outage.
 * `nextFireAt` is itself a fire of the schedule (an invariant the writes keep).
 */
export function planFires(
  schedule: CompiledSchedule,
  policies: SchedulePolicies,
  nextFireAt: Date,
  now: Date,
): FirePlan {
  const later = schedule.firesBetween(nextFireAt, now, MISSED_FIRE_COUNT_CAP);
  const due = [nextFireAt, ...later];
  const capped = later.length >= MISSED_FIRE_COUNT_CAP;
  const latest = capped
    ? (schedule.previousFireTime(now) ?? due[due.length - 1])
    : due[due.length - 1];
  const [next] = schedule.nextFireTimes(now, 1);
  const plan = { nextFireAt: next ?? null, previousFireAt: latest };
  switch (policies.misfire ?? 'coalesce') {
    case 'skip': {
      const onTime = now.getTime() - latest.getTime() < MISFIRE_GRACE_MS;
      return {
        ...plan,
        fires: onTime ? [latest] : [],
        coalesced: 0,
        skippedByPolicy: due.length - (onTime ? 1 : 0),
      };
    }
    case 'catchup': {
      const limit = policies.maxCatchup ?? DEFAULT_MAX_CATCHUP;
      const fires = capped
        ? mostRecentFires(schedule, latest, limit)
        : due.slice(-limit);
      return {
        ...plan,
        fires,
        coalesced: 0,
        skippedByPolicy: due.length - fires.length,
      };
    }
    default:
      return {
        ...plan,
        fires: [latest],
        coalesced: due.length - 1,
        skippedByPolicy: 0,
      };
  }
}

function mostRecentFires(
  schedule: CompiledSchedule,
  latest: Date,
  limit: number,
): Date[] {
  const fires = [latest];
  while (fires.length < limit) {
    const previous = schedule.previousFireTime(
      new Date(fires[0].getTime() - 1),
    );
    if (!previous) break;
    fires.unshift(previous);
  }
  return fires;
}
