import { Type, type Static } from '@sinclair/typebox';

import { PipelineIrSchema } from './ir';
import { PipelineVersionNumberSchema } from './pipeline-versions';
import { RunStatusSchema } from './runs';
import { ScheduleKindSchema } from './schedule';
import { DateTime, Nullable, Shape, Uuid } from './schema-builders';

export const PIPELINE_NAME_MAX_LENGTH = 200;

const PipelineNameSchema = Type.String({
  minLength: 1,
  maxLength: PIPELINE_NAME_MAX_LENGTH,
  description: 'Unique within the tenant; trimmed; no control characters.',
  examples: ['hourly-orders'],
});

export const PipelineSummarySchema = Shape('PipelineSummary', {
  id: Uuid(),
  name: Type.String(),
  schedule: Nullable(ScheduleKindSchema, {
    description: "The schedule's kind, or null for an unscheduled pipeline.",
  }),
  paused: Type.Boolean(),
  lastRunAt: Nullable(DateTime()),
  lastRunStatus: Nullable(RunStatusSchema),
  updatedAt: DateTime(),
});
export type PipelineSummary = Static<typeof PipelineSummarySchema>;

export const PipelineListResponseSchema = Shape(
  'PipelineListResponse',
  {
    items: Type.Array(PipelineSummarySchema, { description: 'In name order.' }),
    nextCursor: Nullable(Type.String(), {
      description:
        'Opaque keyset cursor for the next page; null on the last page.',
    }),
  },
  {
    examples: [
      {
        items: [
          {
            id: '0b8f2d1e-5c4a-4e8b-9a61-3d2f7c9e1a40',
            name: 'hourly-orders',
            schedule: 'cron',
            paused: false,
            lastRunAt: '2026-12-01T09:00:00.530Z',
            lastRunStatus: 'succeeded',
            updatedAt: '2026-11-30T16:12:03.000Z',
          },
        ],
        nextCursor: null,
      },
    ],
  },
);
export type PipelineListResponse = Static<typeof PipelineListResponseSchema>;

export const PipelineResponseSchema = Shape('PipelineResponse', {
  id: Uuid(),
  name: Type.String(),
  paused: Type.Boolean(),
  ir: PipelineIrSchema,
  version: PipelineVersionNumberSchema,
  nextFireAt: Nullable(DateTime(), {
    description:
      'The next fire the tick will dispatch; null when paused or unscheduled.',
  }),
  lastRunAt: Nullable(DateTime()),
  lastRunStatus: Nullable(RunStatusSchema),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type PipelineResponse = Static<typeof PipelineResponseSchema>;

export const CreatePipelineRequestSchema = Shape(
  'CreatePipelineRequest',
  {
    name: PipelineNameSchema,
    ir: PipelineIrSchema,
    paused: Type.Optional(Type.Boolean({ default: false })),
  },
  {
    examples: [
      {
        name: 'hourly-orders',
        ir: {
          version: 1,
          schedule: { type: 'cron', expression: '0 * * * *' },
          nodes: [
            { id: 'orders', type: 'source', table: 'orders' },
            {
              id: 'out',
              type: 'target',
              input: 'orders',
              table: 'orders_copy',
              mode: 'replace',
            },
          ],
        },
      },
    ],
  },
);
export type CreatePipelineRequest = Static<typeof CreatePipelineRequestSchema>;

export const UpdatePipelineRequestSchema = Shape(
  'UpdatePipelineRequest',
  {
    name: Type.Optional(PipelineNameSchema),
    ir: Type.Optional(PipelineIrSchema),
    paused: Type.Optional(Type.Boolean()),
  },
  {
    minProperties: 1,
    description: 'At least one of the fields.',
    examples: [{ paused: true }],
  },
);
export type UpdatePipelineRequest = Static<typeof UpdatePipelineRequestSchema>;
