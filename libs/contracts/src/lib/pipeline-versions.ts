import { Type, type Static } from '@sinclair/typebox';

import { PipelineIrSchema } from './ir';
import { DateTime, Nullable, Shape } from './schema-builders';

/** DESIGN §13: 1 at creation, +1 on every IR change. Also the pipeline's ETag (`"<version>"`). */
export const PipelineVersionNumberSchema = Type.Integer({
  minimum: 1,
  description:
    'The IR version: 1 at creation, +1 on every change of the IR. `GET /pipelines/{id}` and `GET /pipelines/{id}/ir` send it as `ETag: "<version>"`; `PUT /pipelines/{id}/ir` with `If-Match: "<version>"` answers 412 when the pipeline has moved on.',
  examples: [3],
});

/** One entry of the versions list (without its IR). */
export const PipelineVersionSummarySchema = Shape('PipelineVersionSummary', {
  version: PipelineVersionNumberSchema,
  createdAt: DateTime(),
  createdBy: Nullable(Type.String(), {
    description:
      'The JWT `sub` of whoever saved it; null for versions from before versioning or written without a token (seeds).',
  }),
});
export type PipelineVersionSummary = Static<
  typeof PipelineVersionSummarySchema
>;

/** `GET /pipelines/{id}/versions`: newest first, keyset pages. */
export const PipelineVersionListResponseSchema = Shape(
  'PipelineVersionListResponse',
  {
    items: Type.Array(PipelineVersionSummarySchema, {
      description: 'Newest first.',
    }),
    nextCursor: Nullable(Type.String(), {
      description:
        'Opaque keyset cursor for the next (older) page; null on the last page.',
    }),
  },
);
export type PipelineVersionListResponse = Static<
  typeof PipelineVersionListResponseSchema
>;

/** `GET /pipelines/{id}/versions/{version}`: one version with its IR. */
export const PipelineVersionResponseSchema = Shape('PipelineVersionResponse', {
  ...PipelineVersionSummarySchema.properties,
  ir: PipelineIrSchema,
});
export type PipelineVersionResponse = Static<
  typeof PipelineVersionResponseSchema
>;
