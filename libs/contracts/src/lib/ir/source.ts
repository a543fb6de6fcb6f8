import { Type, type Static } from '@sinclair/typebox';

import { Shape } from '../schema-builders';
import { Identifier, NodeIdSchema } from './common';

/** Reads a table of the tenant's own schema. */
export const SourceNodeSchema = Shape(
  'SourceNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('source'),
    table: Identifier({ description: "A table in the tenant's own schema." }),
    columns: Type.Optional(
      Type.Array(Identifier(), {
        minItems: 1,
        description: 'Columns to read; all columns when omitted.',
      }),
    ),
  },
  { description: "Reads a table of the tenant's own schema." },
);
export type SourceNode = Static<typeof SourceNodeSchema>;
