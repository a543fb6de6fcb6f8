import type { AggregateFunction, AggregateNode } from '@flow/contracts';

import { quoteIdent } from '../identifiers';
import { identList } from '../sql-text';
import { AGGREGATES_SQL, UNKNOWN_TYPE } from '../sql-types';
import { IR_LIMITS } from '../validation/fields';
import type { NodeType } from './node-type';

export const AGGREGATE_FUNCTIONS = [
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'count_distinct',
] as const satisfies readonly AggregateFunction[];

/** `aggregate`: group by columns (or none: one row) with whitelisted aggregates. */
export const aggregateNode: NodeType<AggregateNode> = {
  role: 'transform',
  combinesRows: true,
  fields: ['id', 'type', 'input', 'groupBy', 'aggregations'],

  validate(node) {
    node.ref('input');
    const groupBy = node.identifierList('groupBy', { allowEmpty: true });
    const outputs = new Set(groupBy ?? []);
    const aggregations = node.array('aggregations', {
      max: IR_LIMITS.maxColumns,
      noun: 'aggregations',
    });
    aggregations?.forEach((item, i) => {
      const aggregation = node.object(item, `${node.path}.aggregations[${i}]`, [
        'fn',
        'column',
        'as',
      ]);
      if (!aggregation) return;
      const fn = aggregation.oneOf('fn', AGGREGATE_FUNCTIONS);
      if (aggregation.has('column')) aggregation.identifier('column');
      else if (fn !== undefined && fn !== 'count')
        aggregation.error('column', `is required for fn "${fn}"`);
      const output = aggregation.identifier('as');
      if (output === undefined) return;
      if (outputs.has(output))
        aggregation.error('as', `duplicate output column "${output}"`);
      outputs.add(output);
    });
  },

  inputs: (node) => [node.input],

  infer(node, context) {
    return {
      columns: [
        ...node.groupBy.map((name, i) => ({
          name,
          type: context.columnOf(node.input, name, `.groupBy[${i}]`),
          origins: context.originsOf(node.input, name),
        })),
        ...node.aggregations.map((aggregation, i) => {
          const inputType =
            aggregation.column === undefined
              ? UNKNOWN_TYPE
              : context.columnOf(
                  node.input,
                  aggregation.column,
                  `.aggregations[${i}].column`,
                );
          return {
            name: aggregation.as,
            type: AGGREGATES_SQL[aggregation.fn].resultType(inputType),
          };
        }),
      ],
    };
  },

  compile(node, statement) {
    const list = [
      ...node.groupBy.map(quoteIdent),
      ...node.aggregations.map((aggregation) => {
        const argument =
          aggregation.column === undefined
            ? '*'
            : quoteIdent(aggregation.column);
        return `${AGGREGATES_SQL[aggregation.fn].sql(argument)} AS ${quoteIdent(aggregation.as)}`;
      }),
    ];
    const groupBy =
      node.groupBy.length > 0 ? `\nGROUP BY ${identList(node.groupBy)}` : '';
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${list.join(', ')}\nFROM ${quoteIdent(node.input)}${groupBy}`,
    );
  },
};
