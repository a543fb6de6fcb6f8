import { Type, type Static } from '@sinclair/typebox';

import { LagLevelSchema } from './scheduler';
import { DateTime, Nullable, Shape, Uuid } from './schema-builders';

/** A partition is amber when its oldest unprocessed message is at least this old. */
export const STREAM_LAG_AMBER_SECONDS = 60;

export const StreamPartitionStatusSchema = Shape('StreamPartitionStatus', {
  partition: Type.Integer({ minimum: 0 }),
  lastSeq: Nullable(Type.Integer({ minimum: 0 }), {
    description:
      "The stream sequence of the partition's last message; null when it has none or the broker is down.",
  }),
  committedSeq: Type.Integer({
    minimum: 0,
    description: 'The last sequence written to the target (0: none yet).',
  }),
  lag: Nullable(Type.Integer({ minimum: 0 }), {
    description:
      'Messages of the partition after the committed sequence; null when unknown (broker down, streaming off).',
  }),
  oldestAgeSeconds: Nullable(Type.Number({ minimum: 0 }), {
    description:
      'Age of the oldest unprocessed message; 0 when the lag is 0, null when unknown.',
  }),
  lagLevel: LagLevelSchema,
});
export type StreamPartitionStatus = Static<typeof StreamPartitionStatusSchema>;

export const StreamPipelineStatusSchema = Shape('StreamPipelineStatus', {
  id: Uuid(),
  name: Type.String(),
  paused: Type.Boolean(),
  stream: Type.String(),
  subject: Type.String({ description: 'Partition p is `<subject>.<p>`.' }),
  partitions: Type.Array(StreamPartitionStatusSchema),
});
export type StreamPipelineStatus = Static<typeof StreamPipelineStatusSchema>;

export const StreamStatusResponseSchema = Shape(
  'StreamStatusResponse',
  {
    generatedAt: DateTime(),
    enabled: Type.Boolean({ description: 'FLOW_STREAMING_ENABLED.' }),
    brokerUp: Type.Boolean({
      description:
        'Whether the NATS server answered (false when streaming is off).',
    }),
    lagAmberSeconds: Type.Integer({ minimum: 1 }),
    pipelines: Type.Array(StreamPipelineStatusSchema),
  },
  {
    description:
      "The tenant's stream pipelines and each partition's lag (DESIGN §16).",
  },
);
export type StreamStatusResponse = Static<typeof StreamStatusResponseSchema>;
