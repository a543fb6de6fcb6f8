import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema, NodeRef, ScalarValueSchema } from './common';

export const COMPARISON_OP_VALUES = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not_in',
  'is_null',
  'is_not_null',
  'like',
] as const;
export const ComparisonOpSchema = StringEnum(COMPARISON_OP_VALUES);
export type ComparisonOp = Static<typeof ComparisonOpSchema>;

export const ConditionSchema = Shape('Condition', {
  column: Identifier(),
  op: ComparisonOpSchema,
  value: Type.Optional(
    Type.Union([ScalarValueSchema, Type.Array(ScalarValueSchema)], {
      description:
        'A scalar, or an array for `in` / `not_in`; absent for the null checks.',
    }),
  ),
});
export type Condition = Static<typeof ConditionSchema>;

/** Keeps the rows that meet every condition. */
export const FilterNodeSchema = Shape(
  'FilterNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('filter'),
    input: NodeRef(),
    where: Type.Array(ConditionSchema, {
      minItems: 1,
      description: 'Conditions combined with AND.',
    }),
  },
  { description: 'Keeps the rows that meet every condition (AND).' },
);
export type FilterNode = Static<typeof FilterNodeSchema>;
