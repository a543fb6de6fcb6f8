import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema, NodeRef } from './common';

export const AggregateFunctionSchema = StringEnum([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'count_distinct',
]);
export type AggregateFunction = Static<typeof AggregateFunctionSchema>;

export const AggregationSchema = Shape('Aggregation', {
  fn: AggregateFunctionSchema,
  column: Type.Optional(
    Identifier({ description: 'Omitted only for `count` (count of rows).' }),
  ),
  as: Identifier({ description: 'Output column name.' }),
});
export type Aggregation = Static<typeof AggregationSchema>;

/** GROUP BY `groupBy` with the listed aggregations. */
export const AggregateNodeSchema = Shape(
  'AggregateNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('aggregate'),
    input: NodeRef(),
    groupBy: Type.Array(Identifier()),
    aggregations: Type.Array(AggregationSchema, { minItems: 1 }),
  },
  { description: 'GROUP BY `groupBy` with the listed aggregations.' },
);
export type AggregateNode = Static<typeof AggregateNodeSchema>;
