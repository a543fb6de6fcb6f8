import { Type, type Static } from '@sinclair/typebox';

import { RunStatusSchema } from './runs';
import { ScheduleKindSchema } from './schedule';
import {
  DateTime,
  Named,
  Nullable,
  Shape,
  StringEnum,
  Uuid,
} from './schema-builders';

export const LagLevelSchema = StringEnum(['green', 'amber', 'none'], {
  description:
    '`green`: lag under the threshold; `amber`: at or over it; `none`: nothing expected (paused, no fire yet).',
});
export type LagLevel = Static<typeof LagLevelSchema>;

export const SchedulerStatusRowSchema = Shape('SchedulerStatusRow', {
  id: Uuid(),
  name: Type.String(),
  schedule: Shape('ScheduleSummary', {
    type: ScheduleKindSchema,
    text: Type.String({
      description:
        'The raw expression: cron expression, ISO duration (with anchor) or RRULE text.',
    }),
    timezone: Type.String(),
    description: Type.String({
      description:
        'Human text, e.g. "at 09:00 on Monday and Thursday (Europe/Berlin)".',
    }),
  }),
  paused: Type.Boolean(),
  lastRunAt: Nullable(DateTime()),
  lastRunStatus: Nullable(RunStatusSchema),
  expectedAt: Nullable(DateTime(), {
    description:
      'Most recent fire at or before now (and after the schedule began); null when there is none.',
  }),
  lagMinutes: Nullable(Type.Number()),
  lagLevel: LagLevelSchema,
  nextFires: Type.Array(DateTime(), {
    maxItems: 5,
    description: 'The next five fires (ISO, UTC).',
  }),
  error: Type.Optional(
    Type.String({
      description:
        'Set when the schedule cannot be evaluated; the row is still shown.',
    }),
  ),
});
export type SchedulerStatusRow = Static<typeof SchedulerStatusRowSchema>;

export const SchedulerStatusResponseSchema = Shape(
  'SchedulerStatusResponse',
  {
    generatedAt: DateTime(),
    lagThresholdMinutes: Type.Number(),
    lastTickAt: Nullable(DateTime(), {
      description:
        'When the last tick ran (any caller); null before the first tick.',
    }),
    warnings: Type.Array(Type.String(), {
      description:
        'Problems the viewer should know of, e.g. "no scheduler tick for 300 s" (the dead-man switch).',
    }),
    pipelines: Type.Array(SchedulerStatusRowSchema),
  },
  {
    examples: [
      {
        generatedAt: '2026-12-01T09:03:00.000Z',
        lagThresholdMinutes: 5,
        lastTickAt: '2026-12-01T09:03:00.000Z',
        warnings: [],
        pipelines: [
          {
            id: '0b8f2d1e-5c4a-4e8b-9a61-3d2f7c9e1a40',
            name: 'hourly-orders',
            schedule: {
              type: 'cron',
              text: '0 * * * *',
              timezone: 'Europe/Berlin',
              description: 'every hour at minute 0 (Europe/Berlin)',
            },
            paused: false,
            lastRunAt: '2026-12-01T09:00:00.530Z',
            lastRunStatus: 'succeeded',
            expectedAt: '2026-12-01T09:00:00.000Z',
            lagMinutes: 0,
            lagLevel: 'green',
            nextFires: [
              '2026-12-01T10:00:00.000Z',
              '2026-12-01T11:00:00.000Z',
              '2026-12-01T12:00:00.000Z',
              '2026-12-01T13:00:00.000Z',
              '2026-12-01T14:00:00.000Z',
            ],
          },
        ],
      },
    ],
  },
);
export type SchedulerStatusResponse = Static<
  typeof SchedulerStatusResponseSchema
>;

/** Sort keys of a paged status request (`?limit=…&sort=…`); every one orders nulls last, ties by id. */
export const SCHEDULER_STATUS_SORTS = [
  'name',
  'schedule',
  'lastRun',
  'lag',
  'nextFire',
] as const;
export type SchedulerStatusSort = (typeof SCHEDULER_STATUS_SORTS)[number];
/** Largest `limit` of a paged status request. */
export const SCHEDULER_STATUS_MAX_LIMIT = 500;

export const SchedulerStatusCountsSchema = Shape('SchedulerStatusCounts', {
  onTime: Type.Integer({ minimum: 0, description: 'Lag level green.' }),
  late: Type.Integer({ minimum: 0, description: 'Lag level amber.' }),
  paused: Type.Integer({ minimum: 0 }),
  errors: Type.Integer({
    minimum: 0,
    description: 'Schedules that cannot be evaluated.',
  }),
  total: Type.Integer({
    minimum: 0,
    description: 'Every scheduled pipeline of the tenant (filters aside).',
  }),
});
export type SchedulerStatusCounts = Static<typeof SchedulerStatusCountsSchema>;

export const SchedulerStatusPageSchema = Shape(
  'SchedulerStatusPage',
  {
    generatedAt: DateTime(),
    lagThresholdMinutes: Type.Number(),
    lastTickAt: Nullable(DateTime()),
    warnings: Type.Array(Type.String()),
    counts: SchedulerStatusCountsSchema,
    matching: Type.Integer({
      minimum: 0,
      description:
        'Rows that pass the filters (`q`, `lagLevel`, `paused`, `lastRunStatus`), over all pages.',
    }),
    pipelines: Type.Array(SchedulerStatusRowSchema, {
      description: 'At most `limit` rows in the requested order.',
    }),
    nextCursor: Nullable(Type.String(), {
      description:
        'Opaque keyset cursor of the next page (same sort and filters); null on the last page.',
    }),
  },
  {
    description:
      'A page of the status (`GET /scheduler-status?limit=…`). Without `limit` the endpoint answers `SchedulerStatusResponse`.',
  },
);
export type SchedulerStatusPage = Static<typeof SchedulerStatusPageSchema>;

export const TickSkippedSchema = Shape('TickSkipped', {
  skipped: Type.Literal(true),
  reason: StringEnum(['locked', 'shutting_down'], {
    description:
      '`locked`: another tick holds the lock (not an error); `shutting_down`: the process is stopping.',
  }),
});
export const TickCompletedSchema = Shape('TickCompleted', {
  skipped: Type.Literal(false),
  tickId: Uuid(),
  due: Type.Integer({ minimum: 0 }),
  dispatched: Type.Integer({ minimum: 0 }),
  coalesced: Type.Integer({ minimum: 0 }),
  skippedByPolicy: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  durationMs: Type.Number({ minimum: 0 }),
});
export const TickResultSchema = Named(
  'TickResult',
  Type.Union([TickSkippedSchema, TickCompletedSchema], {
    examples: [
      {
        skipped: false,
        tickId: '2c9a4f0e-7b1d-4c3e-8f5a-6d2b1e0c9a73',
        due: 3,
        dispatched: 3,
        coalesced: 0,
        skippedByPolicy: 0,
        failed: 0,
        durationMs: 12.4,
      },
    ],
  }),
);
export type TickResult = Static<typeof TickResultSchema>;
