import type { TargetMode, TargetNode } from '@flow/contracts';

import type { Catalog } from '../catalog';
import { qualifiedName, quoteIdent } from '../identifiers';
import { identList } from '../sql-text';
import { ddlType } from '../sql-types';
import type { Column, NodeType } from './node-type';

export const TARGET_MODES = [
  'append',
  'replace',
  'merge',
] as const satisfies readonly TargetMode[];

/**
 * `target`: writes its input into a table of the tenant's schema (append, replace, or merge on `key`). Its output,
 * for the metrics, is the write's `RETURNING 1`; no node may read from it.
 */
export const targetNode: NodeType<TargetNode> & {
  createTableSql(node: TargetNode, catalog: Catalog, columns: Column[]): string;
} = {
  role: 'target',
  fields: ['id', 'type', 'input', 'table', 'mode', 'key'],

  validate(node) {
    node.ref('input');
    node.identifier('table');
    const mode = node.oneOf('mode', TARGET_MODES);
    if (mode === 'merge') {
      if (!node.has('key')) node.error('key', 'is required for mode "merge"');
      else node.identifierList('key', { allowEmpty: false });
    } else if (mode !== undefined && node.has('key')) {
      node.error('key', 'is only allowed for mode "merge"');
    }
  },

  inputs: (node) => [node.input],

  infer(node, context) {
    node.key?.forEach((name, i) =>
      context.columnOf(node.input, name, `.key[${i}]`),
    );
    const table = context.catalog.tables.get(node.table);
    const written = { columns: context.input(node.input).columns };
    if (!table) {
      context.note(
        '.table',
        `table "${node.table}" does not exist yet; the run creates it`,
      );
      return written;
    }
    const existing = new Set(table.columns.map(({ name }) => name));
    for (const column of written.columns ?? []) {
      if (!existing.has(column.name)) {
        context.issue(
          '.table',
          `table "${node.table}" has no column "${column.name}" (written from the output of node "${node.input}")`,
        );
      }
    }
    return written;
  },

  compile(node, statement) {
    const table = statement.table(node.table);
    const columns = statement.columns(node.input);
    const names = columns
      ? identList(columns.map((column) => column.name))
      : '*';
    const into = columns ? ` (${names})` : '';
    const from = `SELECT ${names}\nFROM ${quoteIdent(node.input)}`;
    const write = statement.aux(node, 'write');

    switch (node.mode) {
      case 'append':
        statement.cte(
          write,
          `INSERT INTO ${table}${into}\n${from}${statement.gate('WHERE')}\nRETURNING 1`,
        );
        break;
      case 'replace': {
        const deleted = statement.aux(node, 'delete');
        statement.cte(
          deleted,
          `DELETE FROM ${table}${statement.gate('WHERE')}\nRETURNING 1`,
        );
        // The scalar subquery runs the DELETE to completion before the first row is inserted, so a unique index
        // on the table sees the old rows gone; both share the statement's snapshot, so the DELETE never sees new rows.
        statement.cte(
          write,
          `INSERT INTO ${table}${into}\n${from}\nWHERE (SELECT count(*) FROM ${deleted}) >= 0${statement.gate('AND')}\nRETURNING 1`,
        );
        break;
      }
      case 'merge': {
        const key = node.key ?? [];
        const updated = (columns ?? [])
          .map((column) => column.name)
          .filter((name) => !key.includes(name));
        const conflict =
          updated.length === 0
            ? `ON CONFLICT (${identList(key)}) DO NOTHING`
            : `ON CONFLICT (${identList(key)}) DO UPDATE SET ${updated.map((name) => `${quoteIdent(name)} = EXCLUDED.${quoteIdent(name)}`).join(', ')}\n` +
              // Unchanged rows are not rewritten: a re-run is idempotent and reports only real changes.
              `WHERE (${updated.map((name) => `t.${quoteIdent(name)}`).join(', ')}) IS DISTINCT FROM (${updated.map((name) => `EXCLUDED.${quoteIdent(name)}`).join(', ')})`;
        statement.cte(
          write,
          `INSERT INTO ${table} AS t${into}\n${from}${statement.gate('WHERE')}\n${conflict}\nRETURNING 1`,
        );
        break;
      }
    }
  },

  output: (node, statement) => statement.aux(node, 'write'),

  /** DDL of a missing target table: the input's columns with whitelisted types, `UNIQUE (key)` for merge. */
  createTableSql(node, catalog, columns) {
    const lines = columns.map(
      ({ name, type }) => `  ${quoteIdent(name)} ${ddlType(type)}`,
    );
    if (node.mode === 'merge' && node.key)
      lines.push(`  UNIQUE (${identList(node.key)})`);
    return `CREATE TABLE IF NOT EXISTS ${qualifiedName(catalog.schema, node.table)} (\n${lines.join(',\n')}\n)`;
  },
};
