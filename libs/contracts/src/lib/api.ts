import type { PipelineIr } from './ir';
import type { ScheduleKind } from './schedule';

/** Every error body (DESIGN §8). `details` lists each offending field for validation errors. */
export interface ErrorResponse {
  statusCode: number;
  error: string;
  message: string;
  details?: FieldError[];
}

export interface FieldError {
  /** JSON path of the offending value, e.g. `ir.schedule.expression`. */
  path: string;
  message: string;
}

export type RunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';
export type RunTrigger = 'schedule' | 'manual';

export interface PipelineSummary {
  id: string;
  name: string;
  /** The schedule's kind, or null for an unscheduled pipeline. */
  schedule: ScheduleKind | null;
  paused: boolean;
  lastRunAt: string | null;
  lastRunStatus: RunStatus | null;
  updatedAt: string;
}

export interface PipelineListResponse {
  items: PipelineSummary[];
  /** Opaque keyset cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PipelineResponse {
  id: string;
  name: string;
  paused: boolean;
  ir: PipelineIr;
  nextFireAt: string | null;
  lastRunAt: string | null;
  lastRunStatus: RunStatus | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreatePipelineRequest {
  name: string;
  ir: PipelineIr;
  paused?: boolean;
}

export interface UpdatePipelineRequest {
  name?: string;
  ir?: PipelineIr;
  paused?: boolean;
}

export type LagLevel = 'green' | 'amber' | 'none';

export interface SchedulerStatusRow {
  id: string;
  name: string;
  schedule: {
    type: ScheduleKind;
    /** The raw expression: cron expression, ISO duration (with anchor) or RRULE text. */
    text: string;
    timezone: string;
    /** Human text, e.g. "at 09:00 on Monday and Thursday (Europe/Berlin)". */
    description: string;
  };
  paused: boolean;
  lastRunAt: string | null;
  lastRunStatus: RunStatus | null;
  /** Most recent fire at or before now (and after the schedule began); null when there is none. */
  expectedAt: string | null;
  lagMinutes: number | null;
  lagLevel: LagLevel;
  /** The next five fires (ISO, UTC). */
  nextFires: string[];
  /** Set when the schedule cannot be evaluated; the row is still shown. */
  error?: string;
}

export interface SchedulerStatusResponse {
  generatedAt: string;
  lagThresholdMinutes: number;
  /** When the last tick ran (any caller); null before the first tick. */
  lastTickAt: string | null;
  /** Problems the viewer should know of, e.g. "no scheduler tick for 300 s" (the dead-man switch). */
  warnings: string[];
  pipelines: SchedulerStatusRow[];
}

export type TickResult =
  | { skipped: true; reason: 'locked' | 'shutting_down' }
  | {
      skipped: false;
      tickId: string;
      due: number;
      dispatched: number;
      coalesced: number;
      skippedByPolicy: number;
      failed: number;
      durationMs: number;
    };

export interface RunResponse {
  id: string;
  pipelineId: string;
  trigger: RunTrigger;
  scheduledFor: string | null;
  status: RunStatus;
  attempt: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rowsRead: number | null;
  rowsWritten: number | null;
  rowsRejected: number | null;
  error: string | null;
}

export interface RunListResponse {
  items: RunResponse[];
  nextCursor: string | null;
}

export interface SqlPreviewResponse {
  sql: string;
  parameters: unknown[];
  columns: { node: string; name: string; type: string }[];
  warnings: string[];
}

export interface LineageNode {
  table: string;
  role: 'source' | 'target' | 'both';
  exists: boolean;
  rowCount: number | null;
  lastWrittenAt: string | null;
}

export interface LineageEdge {
  from: string;
  to: string;
  pipelineId: string;
}

export interface LineageResponse {
  nodes: LineageNode[];
  edges: LineageEdge[];
}
