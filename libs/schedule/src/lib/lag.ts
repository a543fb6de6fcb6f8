/** A fire counts as on time (green) while its lag is below this many minutes (DESIGN §8). */
export const LAG_THRESHOLD_MINUTES = 5;

/** Inputs of `lag`: the expected fire, the latest run's start, the clock and the pause flag. */
export interface LagInput {
  /** The most recent fire at or before `now` (after the schedule began); null when there is none. */
  expectedAt: Date | null;
  /** Start of the pipeline's latest run. */
  lastRunAt: Date | null;
  now: Date;
  paused: boolean;
}

export interface Lag {
  lagMinutes: number | null;
  lagLevel: 'green' | 'amber' | 'none';
}

/**
 * DESIGN §8 lag: a run started at or after `expectedAt` lags by `lastRunAt − expectedAt`; otherwise the fire
 * is overdue and lags by `now − expectedAt`. Whole minutes, rounded down; green below 5 minutes.
 * Paused pipelines and schedules without an expected fire report `{ lagMinutes: null, lagLevel: 'none' }`.
 */
export function lag({ expectedAt, lastRunAt, now, paused }: LagInput): Lag {
  if (paused || expectedAt === null)
    return { lagMinutes: null, lagLevel: 'none' };
  const expected = expectedAt.getTime();
  const ranForIt = lastRunAt !== null && lastRunAt.getTime() >= expected;
  const lagMs = Math.max(
    0,
    (ranForIt ? lastRunAt.getTime() : now.getTime()) - expected,
  );
  const lagMinutes = Math.floor(lagMs / 60_000);
  return {
    lagMinutes,
    lagLevel: lagMinutes < LAG_THRESHOLD_MINUTES ? 'green' : 'amber',
  };
}
