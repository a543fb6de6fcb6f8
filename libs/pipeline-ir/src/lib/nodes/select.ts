import type { CastType, SelectFunction, SelectNode } from '@flow/contracts';

import { quoteIdent } from '../identifiers';
import { CAST_SQL_TYPES, SELECT_FUNCTIONS_SQL } from '../sql-types';
import { IR_LIMITS } from '../validation/fields';
import type { NodeType } from './node-type';

export const SELECT_FUNCTIONS = [
  'lower',
  'upper',
  'trim',
  'abs',
  'round',
  'date',
  'length',
] as const satisfies readonly SelectFunction[];

export const CAST_TYPES = [
  'text',
  'integer',
  'bigint',
  'numeric',
  'double',
  'boolean',
  'date',
  'timestamptz',
] as const satisfies readonly CastType[];

/** `select`: listed columns, each optionally cast, then passed through a whitelisted function, then renamed. */
export const selectNode: NodeType<SelectNode> = {
  role: 'transform',
  fields: ['id', 'type', 'input', 'columns'],

  validate(node) {
    node.ref('input');
    const columns = node.array('columns', {
      max: IR_LIMITS.maxColumns,
      noun: 'columns',
    });
    const outputs = new Set<string>();
    columns?.forEach((item, i) => {
      const column = node.object(item, `${node.path}.columns[${i}]`, [
        'column',
        'as',
        'fn',
        'cast',
      ]);
      if (!column) return;
      const source = column.identifier('column');
      const alias = column.has('as') ? column.identifier('as') : undefined;
      if (column.has('fn')) column.oneOf('fn', SELECT_FUNCTIONS);
      if (column.has('cast')) column.oneOf('cast', CAST_TYPES);
      const output = column.has('as') ? alias : source;
      if (output === undefined) return;
      if (outputs.has(output)) {
        column.error(
          column.has('as') ? 'as' : 'column',
          `duplicate output column "${output}"`,
        );
      }
      outputs.add(output);
    });
  },

  inputs: (node) => [node.input],

  infer(node, context) {
    return {
      columns: node.columns.map((column, i) => {
        let type = context.columnOf(
          node.input,
          column.column,
          `.columns[${i}].column`,
        );
        if (column.cast) type = CAST_SQL_TYPES[column.cast];
        if (column.fn) type = SELECT_FUNCTIONS_SQL[column.fn].resultType(type);
        const name = column.as ?? column.column;
        // A cast or a function changes the value: it no longer identifies a source row.
        if (column.cast || column.fn) return { name, type };
        return {
          name,
          type,
          origins: context.originsOf(node.input, column.column),
        };
      }),
    };
  },

  compile(node, statement) {
    const list = node.columns.map((column) => {
      let expression = quoteIdent(column.column);
      if (column.cast)
        expression = `CAST(${expression} AS ${CAST_SQL_TYPES[column.cast]})`;
      if (column.fn)
        expression = SELECT_FUNCTIONS_SQL[column.fn].sql(expression);
      const output = column.as ?? column.column;
      return expression === quoteIdent(output)
        ? expression
        : `${expression} AS ${quoteIdent(output)}`;
    });
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${list.join(', ')}\nFROM ${quoteIdent(node.input)}`,
    );
  },
};
