import { Type, type Static } from '@sinclair/typebox';

import {
  DateTime,
  Dictionary,
  Nullable,
  Shape,
  StringEnum,
  Uuid,
} from './schema-builders';

export const DeadLetterKindSchema = StringEnum(['validate', 'write', 'parse'], {
  description:
    '`validate`: a rule of a validate node failed; `write`: the target table rejected the row (cast, NOT NULL, length, constraint); `parse`: a file line that does not parse.',
});
export type DeadLetterKind = Static<typeof DeadLetterKindSchema>;

export const DeadLetterStatusSchema = StringEnum(['open', 'replayed'], {
  description:
    '`open` until a replay run writes the source row again; then `replayed` (by `replayedByRunId`).',
});
export type DeadLetterStatus = Static<typeof DeadLetterStatusSchema>;

export const DeadLetterSchema = Shape('DeadLetter', {
  id: Uuid(),
  runId: Nullable(Uuid(), {
    description: 'The run that rejected the row; null for a stream pipeline.',
  }),
  nodeId: Type.String({
    description:
      'The IR node that rejected the row (a validate node or the target).',
  }),
  kind: DeadLetterKindSchema,
  reason: Type.String({
    description:
      "The failed rules (`range(amount); not_null(id)`) or the database's message.",
  }),
  rowKey: Nullable(Dictionary(Dictionary(Type.Unknown())), {
    description:
      'Per keyed source node, the key of the source row: `{"orders": {"id": 7}}`; what a replay reads again.',
  }),
  row: Dictionary(Type.Unknown(), { description: 'The rejected row.' }),
  file: Nullable(Type.String(), {
    description: 'For a `parse` letter: the file.',
  }),
  line: Nullable(Type.Integer({ minimum: 1 }), {
    description: 'For a `parse` letter: the line.',
  }),
  status: DeadLetterStatusSchema,
  replayedByRunId: Nullable(Uuid()),
  attempts: Type.Integer({
    minimum: 0,
    description: 'Replays that rejected the row again.',
  }),
  createdAt: DateTime(),
});
export type DeadLetter = Static<typeof DeadLetterSchema>;

export const DeadLetterListResponseSchema = Shape(
  'DeadLetterListResponse',
  {
    items: Type.Array(DeadLetterSchema, { description: 'Newest first.' }),
    nextCursor: Nullable(Type.String(), {
      description:
        'Opaque keyset cursor for the next page; null on the last page.',
    }),
    counts: Shape('DeadLetterCounts', {
      open: Type.Integer({ minimum: 0 }),
      replayed: Type.Integer({ minimum: 0 }),
    }),
  },
  {
    description:
      "A page of a pipeline's dead letters; `counts` cover every letter of the pipeline (of the run, with `runId`), whatever `status` filters.",
    examples: [
      {
        items: [
          {
            id: '3c1e9a52-0d4f-4b8e-8f1a-6b2d7e9c0a11',
            runId: '6f1c3c57-3d1e-4a5b-9d0e-2f6a8a4f1b21',
            nodeId: 'out',
            kind: 'write',
            reason:
              'null value in column "customer" of relation "orders_out" violates not-null constraint',
            rowKey: { orders: { id: 31 } },
            row: { id: 31, amount: 31, code: 'c31', customer: null },
            file: null,
            line: null,
            status: 'open',
            replayedByRunId: null,
            attempts: 1,
            createdAt: '2026-12-01T09:00:01.104Z',
          },
        ],
        nextCursor: null,
        counts: { open: 7, replayed: 30 },
      },
    ],
  },
);
export type DeadLetterListResponse = Static<
  typeof DeadLetterListResponseSchema
>;

export const CreateRunRequestSchema = Shape(
  'CreateRunRequest',
  {
    replayDlqOnly: Type.Optional(
      Type.Boolean({
        description:
          "true: a replay — a run over the source rows of the pipeline's open dead letters only (409 when none is open; 400 naming the node when a source has no key).",
      }),
    ),
    deadLetterIds: Type.Optional(
      Type.Array(Uuid(), {
        minItems: 1,
        maxItems: 10_000,
        description: 'With replayDlqOnly: replay these open letters only.',
      }),
    ),
  },
  {
    description:
      'No body (or `{}`): a manual run. `{"replayDlqOnly": true}`: a replay of open dead letters.',
  },
);
export type CreateRunRequest = Static<typeof CreateRunRequestSchema>;
