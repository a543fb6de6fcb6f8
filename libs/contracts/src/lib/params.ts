import { Type } from '@sinclair/typebox';

import { PIPELINE_NAME_MAX_LENGTH } from './pipelines';
import { Uuid } from './schema-builders';

/**
 * Path and query parameters of the routes (untitled: they become OpenAPI parameters, not components). The
 * services parse them with their own messages (`limit: must be an integer from 1 to 100`); these document them.
 */

const pipelineId = Uuid({
  description:
    'The pipeline’s id. An unknown id, another tenant’s, or one that is not a uuid is a 404.',
  examples: ['0b8f2d1e-5c4a-4e8b-9a61-3d2f7c9e1a40'],
});

export const PipelineIdParamsSchema = Type.Object({ id: pipelineId });

export const RunIdParamsSchema = Type.Object({
  id: pipelineId,
  runId: Uuid({
    description: 'The run’s id (a 404 unless it is a run of this pipeline).',
    examples: ['6f1c3c57-3d1e-4a5b-9d0e-2f6a8a4f1b21'],
  }),
});

export const PipelineVersionParamsSchema = Type.Object({
  id: pipelineId,
  version: Type.Integer({
    minimum: 1,
    description:
      'The IR version (1, 2, …; a 400 naming `version` when not a number, a 404 when the pipeline has no such version).',
    examples: [2],
  }),
});

/** `limit` (1–max, default given) and the opaque `cursor` of a keyset page. */
export function PageQuerySchema(defaultLimit: number, maxLimit: number) {
  return Type.Object({
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: maxLimit,
        default: defaultLimit,
        description: `Page size, 1–${maxLimit} (400 naming \`limit\` otherwise).`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        description:
          'The previous page’s `nextCursor` (opaque; a malformed one is a 400 naming `cursor`).',
      }),
    ),
  });
}

export const PipelineListQuerySchema = Type.Object({
  ...PageQuerySchema(20, 100).properties,
  name: Type.Optional(
    Type.String({
      maxLength: PIPELINE_NAME_MAX_LENGTH,
      description:
        'Only pipelines whose name contains this text (case-insensitive, literal; no wildcards).',
    }),
  ),
});
