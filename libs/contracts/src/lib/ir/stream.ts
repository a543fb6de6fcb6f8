import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema } from './common';
import { CastTypeSchema } from './select';

/** A JetStream stream name: letters, digits, `_` and `-` (no `.`, `*`, `>` or spaces). */
export const STREAM_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
/** A subject prefix: dot-separated tokens without wildcards; partition p is `<subject>.<p>`. */
export const STREAM_SUBJECT_PATTERN =
  '^[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64}){0,7}$';
export const STREAM_MAX_PARTITIONS = 64;

export const StreamColumnSchema = Shape(
  'StreamColumn',
  {
    name: Identifier({ description: "A field of the message's JSON object." }),
    type: CastTypeSchema,
  },
  { description: 'A typed column read from each message.' },
);
export type StreamColumn = Static<typeof StreamColumnSchema>;

/**
 * Reads JSON messages of a NATS JetStream stream (DESIGN §16) in micro-batches; needs `FLOW_STREAMING_ENABLED`.
 */
export const StreamNodeSchema = Shape(
  'StreamNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('stream'),
    stream: Type.String({
      pattern: STREAM_NAME_PATTERN,
      description: 'The JetStream stream, e.g. `ORDERS`.',
    }),
    subject: Type.String({
      pattern: STREAM_SUBJECT_PATTERN,
      description:
        'The subject prefix: partition p is `<subject>.<p>` (producers pick p by key hash).',
    }),
    partitions: Type.Integer({
      minimum: 1,
      maximum: STREAM_MAX_PARTITIONS,
      description: 'One durable pull consumer per partition.',
    }),
    format: StringEnum(['json']),
    columns: Type.Array(StreamColumnSchema, {
      minItems: 1,
      description:
        'The fields read from each message and their types; a message that lacks a field reads NULL.',
    }),
    key: Type.Optional(
      Type.Array(Identifier(), {
        minItems: 1,
        description:
          'The columns that identify a message (dead letters record them).',
      }),
    ),
  },
  { description: 'Reads JSON messages of a NATS JetStream stream.' },
);
export type StreamNode = Static<typeof StreamNodeSchema>;
