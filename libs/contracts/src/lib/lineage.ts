import { Type, type Static } from '@sinclair/typebox';

import { DateTime, Nullable, Shape, StringEnum, Uuid } from './schema-builders';

export const LineageNodeSchema = Shape('LineageNode', {
  table: Type.String({
    description:
      "A table, or a file source's pattern (`orders/*.csv`) when `kind` is `file`.",
  }),
  kind: StringEnum(['table', 'file']),
  role: StringEnum(['source', 'target', 'both']),
  exists: Type.Boolean({
    description: 'False for a table a pipeline will create on its first run.',
  }),
  rowCount: Nullable(Type.Integer({ minimum: 0 })),
  lastWrittenAt: Nullable(DateTime()),
});
export type LineageNode = Static<typeof LineageNodeSchema>;

export const LineageEdgeSchema = Shape('LineageEdge', {
  from: Type.String({ description: 'Source table.' }),
  to: Type.String({ description: 'Target table.' }),
  pipelineId: Uuid(),
});
export type LineageEdge = Static<typeof LineageEdgeSchema>;

export const LineageResponseSchema = Shape(
  'LineageResponse',
  {
    nodes: Type.Array(LineageNodeSchema),
    edges: Type.Array(LineageEdgeSchema),
  },
  {
    examples: [
      {
        nodes: [
          {
            table: 'orders',
            kind: 'table',
            role: 'source',
            exists: true,
            rowCount: 1200,
            lastWrittenAt: null,
          },
          {
            table: 'paid_orders',
            kind: 'table',
            role: 'target',
            exists: true,
            rowCount: 1187,
            lastWrittenAt: '2026-12-01T09:00:01.104Z',
          },
        ],
        edges: [
          {
            from: 'orders',
            to: 'paid_orders',
            pipelineId: '0b8f2d1e-5c4a-4e8b-9a61-3d2f7c9e1a40',
          },
        ],
      },
    ],
  },
);
export type LineageResponse = Static<typeof LineageResponseSchema>;
