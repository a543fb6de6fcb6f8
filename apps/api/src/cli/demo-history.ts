import type { DataSource } from 'typeorm';

import type { IrNode, PipelineIr } from '@flow/contracts';
import { nodeInputs, type NodeMetrics } from '@flow/pipeline-ir';

/** Runs of history per demo pipeline: what the metrics drawer's trend shows. */
export const DEMO_HISTORY_RUNS = 30;
/** Every seventh run failed: the trend shows failed runs as such. */
const FAILED_EVERY = 7;
const HOUR_MS = 3_600_000;

/** Rows each source table has in the demo (source-tables.ts). */
const SOURCE_ROWS: Record<string, number> = {
  orders: 5_000,
  customers: 500,
  events: 20_000,
};

export interface DemoHistoryPipeline {
  id: string;
  name: string;
  ir: PipelineIr;
}

/**
 * Gives each demo pipeline without runs a history of finished runs with per-node metrics shaped like the worker's
 * (rows, rejected, rowsIn, durationMs per node), so the canvas, the drawer and its trend have something to show
 * before the scheduler has fired. Deterministic (seeded by the pipeline's name); idempotent (a pipeline that has runs
 * is left alone). Runs are spaced by the pipeline's rough cadence, so some lie in earlier years.
 */
export async function seedDemoHistory(
  dataSource: DataSource,
  tenantId: string,
  pipelines: DemoHistoryPipeline[],
  now = Date.now(),
): Promise<number> {
  let seeded = 0;
  for (const pipeline of pipelines) {
    const [{ runs }] = (await dataSource.query(
      `SELECT count(*)::int AS runs FROM pipeline_runs WHERE pipeline_id = $1`,
      [pipeline.id],
    )) as { runs: number }[];
    if (runs > 0) continue;
    const random = seededRandom(pipeline.name);
    const spacingMs = cadenceMs(pipeline.ir);
    const history = Array.from({ length: DEMO_HISTORY_RUNS }, (_, i) => {
      const age = DEMO_HISTORY_RUNS - i;
      const scheduledFor = new Date(
        Math.floor((now - age * spacingMs) / 60_000) * 60_000,
      );
      const failed = i % FAILED_EVERY === FAILED_EVERY - 1;
      // Sources grow a little run over run, with noise: the trend has a shape.
      const scale = 0.7 + (0.3 * i) / DEMO_HISTORY_RUNS + random() * 0.08;
      return simulatedRun(pipeline.ir, scheduledFor, scale, failed, random);
    });
    await dataSource.query(
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for, status, attempt, queued_at,
                                  available_at, started_at, finished_at, rows_read, rows_written, rows_rejected,
                                  error, node_metrics)
       SELECT $1, $2, 'schedule', r.scheduled_for, r.status, 1, r.scheduled_for, r.scheduled_for, r.started_at,
              r.finished_at, r.rows_read, r.rows_written, r.rows_rejected, r.error, r.node_metrics
         FROM jsonb_to_recordset($3::jsonb) AS r(scheduled_for timestamptz, status text, started_at timestamptz,
              finished_at timestamptz, rows_read int, rows_written int, rows_rejected int, error text,
              node_metrics jsonb)
       ON CONFLICT DO NOTHING`,
      [tenantId, pipeline.id, JSON.stringify(history)],
    );
    const newest = history[history.length - 1];
    await dataSource.query(
      `UPDATE pipeline_state SET last_run_at = $2, last_run_status = $3 WHERE pipeline_id = $1 AND last_run_at IS NULL`,
      [pipeline.id, newest.started_at, newest.status],
    );
    seeded++;
  }
  return seeded;
}

/** How far apart the demo's history runs are: hourly-ish schedules an hour, daily ones a day, calendar ones a week. */
function cadenceMs(ir: PipelineIr): number {
  const schedule = ir.schedule;
  if (!schedule) return 24 * HOUR_MS;
  if (schedule.type === 'interval') return HOUR_MS;
  if (schedule.type === 'rrule')
    return /MONTHLY/.test(schedule.rrule)
      ? 30 * 24 * HOUR_MS
      : 7 * 24 * HOUR_MS;
  const [minute, hour] = schedule.expression.split(' ');
  if (schedule.expression.startsWith('@')) return HOUR_MS;
  return /[*/,-]/.test(hour ?? '*') || /[/,-]/.test(minute ?? '')
    ? HOUR_MS
    : 24 * HOUR_MS;
}

interface SimulatedRun {
  scheduled_for: string;
  status: 'succeeded' | 'failed';
  started_at: string;
  finished_at: string;
  rows_read: number;
  rows_written: number;
  rows_rejected: number;
  error: string | null;
  node_metrics: Record<string, NodeMetrics> | null;
}

/** One run's figures, node by node in data-flow order, as the worker would have stored them. */
function simulatedRun(
  ir: PipelineIr,
  scheduledFor: Date,
  scale: number,
  failed: boolean,
  random: () => number,
): SimulatedRun {
  const byId = new Map(ir.nodes.map((node) => [node.id, node]));
  const metrics: Record<string, NodeMetrics> = {};
  const rowsOf = (id: string): number => {
    const known = metrics[id];
    if (known) return known.rows;
    const node = byId.get(id);
    if (!node) return 0;
    const inputs = nodeInputs(node).map(rowsOf);
    const rowsIn =
      node.type === 'source'
        ? Math.round((SOURCE_ROWS[node.table] ?? 1_000) * scale)
        : inputs.reduce((sum, rows) => sum + rows, 0);
    const own = outputOf(node, inputs, rowsIn, random);
    metrics[id] = { ...own, rowsIn };
    return own.rows;
  };
  let durationTotal = 0;
  for (const target of ir.nodes.filter((node) => node.type === 'target')) {
    const before = new Set(Object.keys(metrics));
    rowsOf(target.id);
    // One statement per target computes its whole chain: its nodes share the statement's duration.
    const durationMs = Math.round((40 + random() * 260) * 10) / 10;
    durationTotal += durationMs;
    for (const id of Object.keys(metrics))
      if (!before.has(id)) metrics[id].durationMs = durationMs;
  }
  const sum = (pick: (node: IrNode) => number) =>
    ir.nodes.reduce((total, node) => total + pick(node), 0);
  const rowsRead = sum((node) =>
    node.type === 'source' ? (metrics[node.id]?.rows ?? 0) : 0,
  );
  const rowsRejected = sum((node) => metrics[node.id]?.rejected ?? 0);
  const rowsWritten = sum((node) =>
    node.type === 'target' ? (metrics[node.id]?.rows ?? 0) : 0,
  );
  const startedAt = new Date(scheduledFor.getTime() + 1_500 + random() * 2_000);
  const finishedAt = new Date(startedAt.getTime() + durationTotal + 30);
  return {
    scheduled_for: scheduledFor.toISOString(),
    status: failed ? 'failed' : 'succeeded',
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    rows_read: failed ? 0 : rowsRead,
    rows_written: failed ? 0 : rowsWritten,
    rows_rejected: failed ? 0 : rowsRejected,
    // A failed attempt rolled back before its first statement returned: no figures, like a real timeout.
    error: failed
      ? 'canceling statement due to statement timeout (demo history)'
      : null,
    node_metrics: failed ? null : metrics,
  };
}

/** A node's output rows (and rejects) from its inputs', roughly as the demo's data behaves. */
function outputOf(
  node: IrNode,
  inputs: number[],
  rowsIn: number,
  random: () => number,
): NodeMetrics {
  switch (node.type) {
    case 'source':
    case 'stream':
    case 'file':
    case 'select':
    case 'target':
      return { rows: rowsIn };
    case 'filter':
      return { rows: Math.round(rowsIn * (0.45 + random() * 0.1)) };
    case 'aggregate':
      return {
        rows: Math.min(
          rowsIn,
          node.groupBy.length === 0 ? 1 : 3 * 2 ** node.groupBy.length,
        ),
      };
    case 'join':
      return {
        rows:
          node.kind === 'left'
            ? (inputs[0] ?? 0)
            : Math.round(Math.min(...inputs) * (0.9 + random() * 0.1)),
      };
    case 'validate': {
      const rejected = Math.round(rowsIn * (0.01 + random() * 0.02));
      return { rows: rowsIn - rejected, rejected };
    }
  }
}

/** A small deterministic generator (mulberry32) seeded by a string. */
function seededRandom(seed: string): () => number {
  let state = 0;
  for (const char of seed)
    state = (Math.imul(state, 31) + char.charCodeAt(0)) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
