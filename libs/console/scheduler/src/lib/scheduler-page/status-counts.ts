import type { SchedulerStatusRow } from '@flow/contracts';

/** The numbers above the grid. */
export interface StatusCounts {
  /** Lag green. */
  onTime: number;
  /** Lag amber. */
  late: number;
  paused: number;
  /** Schedules that cannot be evaluated. */
  errors: number;
  total: number;
}

/** Counts rows by health; a paused pipeline counts as paused only (its lag level is none). */
export function countStatuses(
  rows: readonly SchedulerStatusRow[],
): StatusCounts {
  const counts: StatusCounts = {
    onTime: 0,
    late: 0,
    paused: 0,
    errors: 0,
    total: rows.length,
  };
  for (const row of rows) {
    if (row.paused) {
      counts.paused++;
    } else if (row.lagLevel === 'green') {
      counts.onTime++;
    } else if (row.lagLevel === 'amber') {
      counts.late++;
    }
    if (row.error) {
      counts.errors++;
    }
  }
  return counts;
}
