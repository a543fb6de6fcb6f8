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
    key: Type.Optional(
      Type.Array(Identifier(), {
        minItems: 1,
        description:
          "The columns that identify a source row: dead letters record them, and a replay reads only the rows whose key an open letter recorded. Default: the merge target's key.",
      }),
    ),
  },
  { description: "Reads a table of the tenant's own schema." },
);
export type SourceNode = Static<typeof SourceNodeSchema>;
