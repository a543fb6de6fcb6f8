import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema, NodeRef } from './common';

export const CastTypeSchema = StringEnum([
  'text',
  'integer',
  'bigint',
  'numeric',
  'double',
  'boolean',
  'date',
  'timestamptz',
]);
export type CastType = Static<typeof CastTypeSchema>;

export const SelectFunctionSchema = StringEnum([
  'lower',
  'upper',
  'trim',
  'abs',
  'round',
  'date',
  'length',
]);
export type SelectFunction = Static<typeof SelectFunctionSchema>;

/** Compiles to `fn(CAST(column AS cast))`: the cast (if any) is applied first, then the function. */
export const SelectColumnSchema = Shape(
  'SelectColumn',
  {
    column: Identifier(),
    as: Type.Optional(
      Identifier({ description: 'Output name; defaults to `column`.' }),
    ),
    fn: Type.Optional(SelectFunctionSchema),
    cast: Type.Optional(CastTypeSchema),
  },
  {
    description:
      'Compiles to `fn(CAST(column AS cast))`: the cast (if any) first, then the function.',
  },
);
export type SelectColumn = Static<typeof SelectColumnSchema>;

/** Projects, renames, casts and applies whitelisted functions. */
export const SelectNodeSchema = Shape(
  'SelectNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('select'),
    input: NodeRef(),
    columns: Type.Array(SelectColumnSchema, { minItems: 1 }),
  },
  {
    description: 'Projects, renames, casts and applies whitelisted functions.',
  },
);
export type SelectNode = Static<typeof SelectNodeSchema>;
