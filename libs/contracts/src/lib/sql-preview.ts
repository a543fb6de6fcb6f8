import { Type, type Static } from '@sinclair/typebox';

import { Shape } from './schema-builders';

export const SqlPreviewColumnSchema = Shape('SqlPreviewColumn', {
  node: Type.String({ description: 'The IR node id.' }),
  name: Type.String(),
  type: Type.String({
    description:
      'PostgreSQL type as information_schema reports it; `unknown` when not resolvable.',
  }),
});
export type SqlPreviewColumn = Static<typeof SqlPreviewColumnSchema>;

export const SqlPreviewResponseSchema = Shape(
  'SqlPreviewResponse',
  {
    sql: Type.String({
      description: 'The compiled statement(s), with `$n` placeholders.',
    }),
    parameters: Type.Array(Type.Unknown(), {
      description: 'The bind parameters, in placeholder order.',
    }),
    columns: Type.Array(SqlPreviewColumnSchema),
    warnings: Type.Array(Type.String(), {
      description: 'Unknown tables or columns (not yet created), and the like.',
    }),
  },
  {
    examples: [
      {
        sql: 'INSERT INTO "tenant_demo"."paid_orders" SELECT … WHERE "status" = $1',
        parameters: ['paid'],
        columns: [{ node: 'orders', name: 'status', type: 'text' }],
        warnings: [],
      },
    ],
  },
);
export type SqlPreviewResponse = Static<typeof SqlPreviewResponseSchema>;
