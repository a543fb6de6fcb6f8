import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema, NodeRef, ScalarValueSchema } from './common';

export const ValidationCheckSchema = StringEnum([
  'not_null',
  'unique',
  'range',
  'accepted_values',
  'regex',
]);
export type ValidationCheck = Static<typeof ValidationCheckSchema>;

/** One rule; which of `min`/`max`, `values`, `pattern` apply depends on `check`. */
export const ValidationRuleSchema = Shape(
  'ValidationRule',
  {
    column: Identifier(),
    check: ValidationCheckSchema,
    min: Type.Optional(Type.Number({ description: '`range`' })),
    max: Type.Optional(Type.Number({ description: '`range`' })),
    values: Type.Optional(
      Type.Array(ScalarValueSchema, { description: '`accepted_values`' }),
    ),
    pattern: Type.Optional(
      Type.String({ description: '`regex` (PostgreSQL POSIX syntax)' }),
    ),
  },
  {
    description:
      'One rule; `min`/`max` belong to `range`, `values` to `accepted_values`, `pattern` to `regex`.',
  },
);
export type ValidationRule = Static<typeof ValidationRuleSchema>;

/** Checks rows against rules; rejected rows go to dead letters (`dlq`) or fail the run (`fail`). */
export const ValidateNodeSchema = Shape(
  'ValidateNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('validate'),
    input: NodeRef(),
    rules: Type.Array(ValidationRuleSchema, { minItems: 1 }),
    onFail: StringEnum(['dlq', 'fail'], {
      description:
        '`dlq`: rejected rows go to dead_letters and the run goes on; `fail`: any rejected row fails the run.',
    }),
  },
  {
    description:
      'Checks rows against rules; rejected rows go to dead letters (`dlq`) or fail the run (`fail`).',
  },
);
export type ValidateNode = Static<typeof ValidateNodeSchema>;
