import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema, NodeRef } from './common';

export const JoinKindSchema = StringEnum(['inner', 'left']);
export type JoinKind = Static<typeof JoinKindSchema>;

export const JoinKeySchema = Shape('JoinKey', {
  left: Identifier(),
  right: Identifier(),
});
export type JoinKey = Static<typeof JoinKeySchema>;

/**
 * Output: the left input's columns, then the right input's, each renamed `<rightPrefix><name>` when `rightPrefix` is
 * set. A right key column whose output name equals the left key it is paired with is dropped (same value); any
 * other name present on both sides is a compile error.
 */
export const JoinNodeSchema = Shape(
  'JoinNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('join'),
    left: NodeRef('The left input node.'),
    right: NodeRef('The right input node.'),
    kind: JoinKindSchema,
    on: Type.Array(JoinKeySchema, {
      minItems: 1,
      description: 'Equality keys, combined with AND.',
    }),
    rightPrefix: Type.Optional(
      Identifier({
        description:
          'Prefix for every column of the right input, e.g. `customer_`.',
      }),
    ),
  },
  {
    description:
      "Equality join. Output: the left input's columns, then the right input's (renamed `<rightPrefix><name>` when set); a right key equal to its left key is dropped; any other clash is a compile error.",
  },
);
export type JoinNode = Static<typeof JoinNodeSchema>;
