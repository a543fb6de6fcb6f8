import type { NodeMetricsPoint } from '@flow/contracts';

/** One run on the trend chart and in its data table. */
export interface TrendDatum {
  runId: string;
  /** 1-based position, oldest first. */
  index: number;
  status: NodeMetricsPoint['status'];
  /** `replay` for a replay of dead letters: its figures cover the replayed rows only. */
  trigger: NodeMetricsPoint['trigger'];
  failed: boolean;
  /** When the run started (else was queued), ISO. */
  at: string;
  rowsIn: number | null;
  rowsOut: number | null;
  rowsRejected: number | null;
  durationMs: number | null;
  irVersion: number | null;
  /** The IR version differs from the previous run's (both known). */
  versionChanged: boolean;
}

/** The api's points (oldest → newest) as chart data; IR-version changes marked where versions are known. */
export function toTrend(points: readonly NodeMetricsPoint[]): TrendDatum[] {
  return points.map((point, i) => {
    const previous = i > 0 ? points[i - 1].irVersion : null;
    return {
      runId: point.runId,
      index: i + 1,
      status: point.status,
      trigger: point.trigger,
      failed: point.status === 'failed',
      at: point.startedAt ?? point.queuedAt,
      rowsIn: point.rowsIn,
      rowsOut: point.rowsOut,
      rowsRejected: point.rowsRejected,
      durationMs: point.durationMs,
      irVersion: point.irVersion,
      versionChanged:
        previous !== null &&
        point.irVersion !== null &&
        point.irVersion !== previous,
    };
  });
}
