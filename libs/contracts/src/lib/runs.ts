import { Type, type Static } from '@sinclair/typebox';

import {
  DateTime,
  Dictionary,
  Nullable,
  Shape,
  StringEnum,
  Uuid,
} from './schema-builders';

export const RunStatusSchema = StringEnum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'skipped',
]);
export type RunStatus = Static<typeof RunStatusSchema>;

export const RunTriggerSchema = StringEnum(
  ['schedule', 'manual', 'replay', 'file'],
  {
    description:
      '`schedule`: dispatched by the tick; `manual`: POST /pipelines/{id}/runs; `replay`: the same with `replayDlqOnly` — a run over the source rows of open dead letters only; `file`: dispatched by the source watcher for one arrived file.',
  },
);
export type RunTrigger = Static<typeof RunTriggerSchema>;

/** Rows one IR node produced (and, for a validate node, rejected) in a run. */
export const NodeMetricsSchema = Shape('NodeMetrics', {
  rows: Type.Integer({ minimum: 0 }),
  rejected: Type.Optional(Type.Integer({ minimum: 0 })),
  rowsIn: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: "The sum of the node's inputs' rows (a source: its rows).",
    }),
  ),
  durationMs: Type.Optional(
    Type.Number({
      minimum: 0,
      description: 'Duration of the SQL statement that computed the node.',
    }),
  ),
});
export type NodeMetrics = Static<typeof NodeMetricsSchema>;

export const RunResponseSchema = Shape(
  'RunResponse',
  {
    id: Uuid(),
    pipelineId: Uuid(),
    trigger: RunTriggerSchema,
    scheduledFor: Nullable(DateTime(), {
      description: 'The fire this run is for; null for a manual run.',
    }),
    status: RunStatusSchema,
    attempt: Type.Integer({
      minimum: 0,
      description:
        'How many times a worker has claimed the run: 0 while it waits for its first claim.',
    }),
    queuedAt: DateTime(),
    availableAt: DateTime({
      description:
        'When a queued run (or its retry) becomes claimable by a worker.',
    }),
    startedAt: Nullable(DateTime()),
    finishedAt: Nullable(DateTime()),
    rowsRead: Nullable(Type.Integer({ minimum: 0 })),
    rowsWritten: Nullable(Type.Integer({ minimum: 0 })),
    rowsRejected: Nullable(Type.Integer({ minimum: 0 })),
    error: Nullable(Type.String()),
    nodeMetrics: Nullable(Dictionary(NodeMetricsSchema), {
      description: 'Per IR node id, once the run has finished.',
    }),
  },
  {
    examples: [
      {
        id: '6f1c3c57-3d1e-4a5b-9d0e-2f6a8a4f1b21',
        pipelineId: '0b8f2d1e-5c4a-4e8b-9a61-3d2f7c9e1a40',
        trigger: 'schedule',
        scheduledFor: '2026-12-01T09:00:00.000Z',
        status: 'succeeded',
        attempt: 1,
        queuedAt: '2026-12-01T09:00:00.412Z',
        availableAt: '2026-12-01T09:00:00.412Z',
        startedAt: '2026-12-01T09:00:00.530Z',
        finishedAt: '2026-12-01T09:00:01.104Z',
        rowsRead: 1200,
        rowsWritten: 1187,
        rowsRejected: 13,
        error: null,
        nodeMetrics: {
          orders: { rows: 1200 },
          checked: { rows: 1187, rejected: 13 },
          out: { rows: 1187 },
        },
      },
    ],
  },
);
export type RunResponse = Static<typeof RunResponseSchema>;

export const RunListResponseSchema = Shape('RunListResponse', {
  items: Type.Array(RunResponseSchema, { description: 'Newest first.' }),
  nextCursor: Nullable(Type.String(), {
    description:
      'Opaque keyset cursor for the next page; null on the last page.',
  }),
});
export type RunListResponse = Static<typeof RunListResponseSchema>;

/** One node's figures in one run; null where the run did not record them (older runs, nodes it never reached). */
export const NodeRunMetricsSchema = Shape('NodeRunMetrics', {
  rowsIn: Nullable(Type.Integer({ minimum: 0 }), {
    description:
      "Rows the node received: the sum of its inputs' output rows (a source: the rows it read).",
  }),
  rowsOut: Nullable(Type.Integer({ minimum: 0 }), {
    description: 'Rows the node produced (a target: the rows it wrote).',
  }),
  rowsRejected: Nullable(Type.Integer({ minimum: 0 }), {
    description:
      'Rows a validate node rejected; null for node types that do not reject.',
  }),
  durationMs: Nullable(Type.Number({ minimum: 0 }), {
    description:
      'Duration of the SQL statement that computed the node (the nodes of one target chain share one statement).',
  }),
});
export type NodeRunMetrics = Static<typeof NodeRunMetricsSchema>;

const IrVersionSchema = Nullable(Type.Integer({ minimum: 1 }), {
  description:
    'The IR version the run executed (set when a worker claims it); null for runs not yet claimed and runs from before versions.',
});

/** `GET /pipelines/{id}/runs/{runId}`: a run with its per-node figures. */
export const RunDetailResponseSchema = Shape('RunDetailResponse', {
  ...RunResponseSchema.properties,
  irVersion: IrVersionSchema,
  nodeMetrics: Dictionary(NodeRunMetricsSchema, {
    description:
      'Per IR node id; empty when the run recorded none (queued, or failed before its first statement).',
  }),
});
export type RunDetailResponse = Static<typeof RunDetailResponseSchema>;

/** One run's point on a node's run-over-run trend. */
export const NodeMetricsPointSchema = Shape('NodeMetricsPoint', {
  runId: Uuid(),
  status: RunStatusSchema,
  trigger: RunTriggerSchema,
  scheduledFor: Nullable(DateTime()),
  queuedAt: DateTime(),
  startedAt: Nullable(DateTime()),
  finishedAt: Nullable(DateTime()),
  irVersion: IrVersionSchema,
  recorded: Type.Boolean({
    description:
      'False when the run has no figures for this node (e.g. it failed before reaching it).',
  }),
  ...NodeRunMetricsSchema.properties,
});
export type NodeMetricsPoint = Static<typeof NodeMetricsPointSchema>;

/** `GET /pipelines/{id}/node-metrics?node=&limit=`: a node's figures over the last runs, oldest → newest. */
export const NodeMetricsResponseSchema = Shape('NodeMetricsResponse', {
  node: Type.String({ description: 'The IR node id.' }),
  items: Type.Array(NodeMetricsPointSchema, {
    description: 'The last `limit` runs, oldest first.',
  }),
});
export type NodeMetricsResponse = Static<typeof NodeMetricsResponseSchema>;
