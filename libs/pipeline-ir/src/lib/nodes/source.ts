import type { SourceNode } from '@flow/contracts';

import { quoteIdent, quoteTrustedQualifiedName } from '../identifiers';
import { identList } from '../sql-text';
import { UNKNOWN_TYPE } from '../sql-types';
import type { Column, NodeType, StatementContext } from './node-type';

/**
 * `source`: a table of the tenant's schema, all its columns or the listed ones. `key` names the columns that
 * identify a source row (default: the merge target's key): dead letters record it, and a replay reads only the
 * rows whose key an open letter recorded.
 */
export const sourceNode: NodeType<SourceNode> = {
  role: 'source',
  fields: ['id', 'type', 'table', 'columns', 'key'],

  validate(node) {
    node.identifier('table');
    if (node.has('columns'))
      node.identifierList('columns', { allowEmpty: false });
    if (node.has('key')) node.identifierList('key', { allowEmpty: false });
  },

  inputs: () => [],

  infer(node, context) {
    const table = context.catalog.tables.get(node.table);
    const column = (name: string, type: string): Column => ({
      name,
      type,
      origins: [{ node: node.id, column: name }],
    });
    if (!table) {
      context.issue(
        '.table',
        `unknown table "${node.table}" in schema "${context.catalog.schema}"`,
      );
      return {
        columns: node.columns
          ? node.columns.map((name) => column(name, UNKNOWN_TYPE))
          : null,
      };
    }
    const known = (name: string) =>
      table.columns.find((candidate) => candidate.name === name);
    node.key?.forEach((name, i) => {
      if (!known(name))
        context.issue(
          `.key[${i}]`,
          `unknown column "${name}" in table "${node.table}"`,
        );
    });
    if (!node.columns)
      return {
        columns: table.columns.map(({ name, type }) => column(name, type)),
      };
    return {
      columns: node.columns.map((name, i) => {
        const found = known(name);
        if (!found)
          context.issue(
            `.columns[${i}]`,
            `unknown column "${name}" in table "${node.table}"`,
          );
        return column(name, found?.type ?? UNKNOWN_TYPE);
      }),
    };
  },

  compile(node, statement, { columns }) {
    const list = columns
      ? identList(columns.map((column) => column.name))
      : '*';
    const filter = statement.run.replay ? rowKeyFilter(node, statement) : '';
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${list}\nFROM ${statement.table(node.table)}${filter}`,
    );
  },
};

/**
 * The replay's row-key filter: only the rows whose key one of the replayed dead letters recorded. The letter's
 * key (JSON) is read back through the table's own row type, so it compares with the column's type (and its index).
 */
function rowKeyFilter(node: SourceNode, statement: StatementContext): string {
  const key = statement.keyOf(node.id);
  const replay = statement.run.replay;
  if (!key || !replay)
    throw new Error(
      `source "${node.id}" has no key to replay by (check planReplay first)`,
    );
  const letters = quoteTrustedQualifiedName(statement.run.deadLetterTable);
  const recorded = key.map((column) => `k.${quoteIdent(column)}`).join(', ');
  return (
    `\nWHERE (${identList(key)}) IN (\n` +
    `  SELECT ${recorded}\n` +
    `  FROM ${letters} AS l, jsonb_populate_record(NULL::${statement.table(node.table)}, l."row_key" -> ${statement.param(node.id)}::text) AS k\n` +
    `  WHERE l."id" = ANY(${statement.param(replay.deadLetterIds)}::uuid[])\n` +
    ')'
  );
}
