import type { ComparisonOp, Condition, FilterNode } from '@flow/contracts';

import { quoteIdent } from '../identifiers';
import { IR_LIMITS, type Fields } from '../validation/fields';
import type { NodeType, StatementContext } from './node-type';

export const COMPARISON_OPS = [
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
] as const satisfies readonly ComparisonOp[];

/** `filter`: the input's rows matching every condition (AND). */
export const filterNode: NodeType<FilterNode> = {
  role: 'transform',
  fields: ['id', 'type', 'input', 'where'],

  validate(node) {
    node.ref('input');
    const where = node.array('where', {
      max: IR_LIMITS.maxConditions,
      noun: 'conditions',
    });
    where?.forEach((item, i) => {
      const condition = node.object(item, `${node.path}.where[${i}]`, [
        'column',
        'op',
        'value',
      ]);
      if (condition) validateCondition(condition);
    });
  },

  inputs: (node) => [node.input],

  infer(node, context) {
    node.where.forEach((condition, i) =>
      context.columnOf(node.input, condition.column, `.where[${i}].column`),
    );
    return { columns: context.input(node.input).columns };
  },

  compile(node, statement) {
    const conditions = node.where
      .map((condition) => conditionSql(condition, statement))
      .join('\n  AND ');
    statement.cte(
      quoteIdent(node.id),
      `SELECT *\nFROM ${quoteIdent(node.input)}\nWHERE ${conditions}`,
    );
  },
};

function validateCondition(condition: Fields): void {
  condition.identifier('column');
  const op = condition.oneOf('op', COMPARISON_OPS);
  if (op === undefined) return;
  const value = condition.get('value');
  switch (op) {
    case 'is_null':
    case 'is_not_null':
      if (condition.has('value'))
        condition.error('value', `must be absent for op "${op}"`);
      break;
    case 'in':
    case 'not_in':
      if (!condition.has('value'))
        condition.error('value', `is required for op "${op}"`);
      else condition.valueList('value');
      break;
    case 'like':
      if (!condition.has('value'))
        condition.error('value', `is required for op "${op}"`);
      else if (typeof value !== 'string')
        condition.error('value', 'must be a string for op "like"');
      else condition.string('value');
      break;
    default:
      if (!condition.has('value'))
        condition.error('value', `is required for op "${op}"`);
      else if (value === null)
        condition.error(
          'value',
          'must not be null; use op "is_null" or "is_not_null"',
        );
      else condition.scalar('value');
  }
}

function conditionSql(
  condition: Condition,
  statement: StatementContext,
): string {
  const column = quoteIdent(condition.column);
  switch (condition.op) {
    case 'is_null':
      return `${column} IS NULL`;
    case 'is_not_null':
      return `${column} IS NOT NULL`;
    case 'in':
      return `${column} = ANY(${statement.param(condition.value)})`;
    case 'not_in':
      return `${column} <> ALL(${statement.param(condition.value)})`;
    case 'like':
      return `${column} LIKE ${statement.param(condition.value)}`;
    case '!=':
      return `${column} <> ${statement.param(condition.value)}`;
    default:
      return `${column} ${condition.op} ${statement.param(condition.value)}`;
  }
}
