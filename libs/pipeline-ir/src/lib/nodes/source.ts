import type { SourceNode } from '@flow/contracts';

import { quoteIdent } from '../identifiers';
import { UNKNOWN_TYPE } from '../sql-types';
import { identList } from '../sql-text';
import type { NodeType } from './node-type';

/** `source`: a table of the tenant's schema, all its columns or the listed ones. */
export const sourceNode: NodeType<SourceNode> = {
  role: 'source',
  fields: ['id', 'type', 'table', 'columns'],

  validate(node) {
    node.identifier('table');
    if (node.has('columns'))
      node.identifierList('columns', { allowEmpty: false });
  },

  inputs: () => [],

  infer(node, context) {
    const table = context.catalog.tables.get(node.table);
    if (!table) {
      context.issue(
        '.table',
        `unknown table "${node.table}" in schema "${context.catalog.schema}"`,
      );
      return {
        columns: node.columns
          ? node.columns.map((name) => ({ name, type: UNKNOWN_TYPE }))
          : null,
      };
    }
    if (!node.columns)
      return {
        columns: table.columns.map(({ name, type }) => ({ name, type })),
      };
    return {
      columns: node.columns.map((name, i) => {
        const column = table.columns.find(
          (candidate) => candidate.name === name,
        );
        if (!column)
          context.issue(
            `.columns[${i}]`,
            `unknown column "${name}" in table "${node.table}"`,
          );
        return { name, type: column?.type ?? UNKNOWN_TYPE };
      }),
    };
  },

  compile(node, statement, { columns }) {
    const list = columns
      ? identList(columns.map((column) => column.name))
      : '*';
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${list}\nFROM ${statement.table(node.table)}`,
    );
  },
};
