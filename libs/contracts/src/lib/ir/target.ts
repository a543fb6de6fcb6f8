import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema, NodeRef } from './common';

export const TargetModeSchema = StringEnum(['append', 'replace', 'merge']);
export type TargetMode = Static<typeof TargetModeSchema>;

/** Writes its input into a table of the tenant's schema. */
export const TargetNodeSchema = Shape(
  'TargetNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('target'),
    input: NodeRef(),
    table: Identifier({
      description:
        "A table in the tenant's own schema (created on first write).",
    }),
    mode: TargetModeSchema,
    key: Type.Optional(
      Type.Array(Identifier(), {
        minItems: 1,
        description: 'Required for `merge`: the columns that identify a row.',
      }),
    ),
  },
  {
    description:
      "Writes its input into a table of the tenant's schema (`append`, `replace`, or `merge` on `key`).",
  },
);
export type TargetNode = Static<typeof TargetNodeSchema>;
