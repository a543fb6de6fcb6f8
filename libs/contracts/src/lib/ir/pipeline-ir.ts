import { Type, type Static } from '@sinclair/typebox';

import { Nullable, Shape } from '../schema-builders';
import { ScheduleSchema } from '../schedule';
import { IrNodeSchema } from './node-registry';
import { FileArrivalTriggerSchema } from './trigger';

/**
 * IR v1 (DESIGN §7): a pipeline as a small DAG. No raw SQL anywhere: identifiers are validated and quoted,
 * values become bind parameters. Beyond this shape, `@flow/pipeline-ir` checks what JSON Schema cannot say (the
 * graph is a DAG, references resolve, columns exist) and `@flow/schedule` checks the schedule's expression.
 */
export const PipelineIrSchema = Shape(
  'PipelineIr',
  {
    version: Type.Literal(1),
    schedule: Type.Optional(
      Nullable(ScheduleSchema, {
        description:
          'When the pipeline fires; null or absent: only manual runs.',
      }),
    ),
    trigger: Type.Optional(FileArrivalTriggerSchema),
    nodes: Type.Array(IrNodeSchema, {
      description: 'The DAG: every node names its inputs by id.',
    }),
  },
  {
    description:
      'IR v1: a pipeline as a small DAG `source → transforms → validate → target` and its schedule.',
    examples: [
      {
        version: 1,
        schedule: {
          type: 'cron',
          expression: '0 * * * *',
          timezone: 'Europe/Berlin',
        },
        nodes: [
          {
            id: 'orders',
            type: 'source',
            table: 'orders',
            columns: ['id', 'amount', 'status'],
          },
          {
            id: 'paid',
            type: 'filter',
            input: 'orders',
            where: [{ column: 'status', op: '=', value: 'paid' }],
          },
          {
            id: 'out',
            type: 'target',
            input: 'paid',
            table: 'paid_orders',
            mode: 'append',
          },
        ],
      },
    ],
  },
);
export type PipelineIr = Static<typeof PipelineIrSchema>;
