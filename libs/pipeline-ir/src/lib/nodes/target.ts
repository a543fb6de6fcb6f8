import type { TargetMode, TargetNode } from '@flow/contracts';

import type { Catalog } from '../catalog';
import {
  qualifiedName,
  quoteIdent,
  quoteTrustedQualifiedName,
} from '../identifiers';
import { identList, indent } from '../sql-text';
import { ddlType } from '../sql-types';
import type {
  Column,
  NodeType,
  StageTable,
  StatementContext,
} from './node-type';

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
  sliceSql(node: TargetNode, statement: StatementContext): string;
  deadLetterSql(node: TargetNode, statement: StatementContext): string;
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
    const from = `SELECT ${names}\nFROM ${quoteIdent(node.input)}`;
    if (node.mode === 'replace') {
      statement.cte(
        statement.aux(node, 'delete'),
        `DELETE FROM ${table}${statement.gate('WHERE')}\nRETURNING 1`,
      );
    }
    const stage = statement.stage;
    if (stage) {
      // Isolated writes, first step: the input rows, numbered, into the stage; the slices write them.
      statement.cte(
        statement.aux(node, 'stage'),
        `INSERT INTO ${stage.name} (${names}, ${quoteIdent(stage.ordinal)})\n` +
          `SELECT ${names}, row_number() OVER ()\nFROM ${quoteIdent(node.input)}${statement.gate('WHERE')}\nRETURNING 1`,
      );
      return;
    }
    // replace: the scalar subquery runs the DELETE to completion before the first row is inserted, so a unique
    // index on the table sees the old rows gone; both share the statement's snapshot, so the DELETE never sees new
    // rows.
    const where =
      node.mode === 'replace'
        ? `\nWHERE (SELECT count(*) FROM ${statement.aux(node, 'delete')}) >= 0${statement.gate('AND')}`
        : statement.gate('WHERE');
    statement.cte(
      statement.aux(node, 'write'),
      insertSql(node, statement, from, where),
    );
  },

  output: (node, statement) =>
    statement.aux(node, statement.stage ? 'stage' : 'write'),

  deadLetters: () => true,

  replayIssue: (node) =>
    node.mode === 'replace'
      ? 'mode "replace" would replace the table with the replayed rows alone; use "append" or "merge"'
      : undefined,

  /**
   * Isolated writes: the staged rows with `$1 < ordinal <= $2` into the table; returns `written`. Parameters 1
   * and 2 are the bounds (the caller fills them).
   */
  sliceSql(node, statement) {
    const stage = requireStage(statement);
    const columns = statement.columns(node.input) ?? [];
    const names = identList(columns.map((column) => column.name));
    const write = statement.aux(node, 'write');
    const from = `SELECT ${names}\nFROM ${stage.name}`;
    const where = `\nWHERE ${quoteIdent(stage.ordinal)} > $1 AND ${quoteIdent(stage.ordinal)} <= $2`;
    return `WITH ${write} AS (\n${indent(insertSql(node, statement, from, where))}\n)\nSELECT count(*) AS written FROM ${write}`;
  },

  /**
   * Isolated writes: the staged row with ordinal `$1`, which the table rejected with the message `$2`, as a
   * dead letter of kind `write`. Parameters 1 and 2 are filled by the caller.
   */
  deadLetterSql(node, statement) {
    const stage = requireStage(statement);
    const [tenantId, pipelineId, runId] = statement.runIds();
    const nodeId = statement.param(node.id);
    const ordinal = statement.param(stage.ordinal);
    const rowKey = statement.rowKey(statement.columns(node.input), 's');
    return (
      `INSERT INTO ${quoteTrustedQualifiedName(statement.run.deadLetterTable)} ("tenant_id", "pipeline_id", "run_id", "node_id", "kind", "row", "row_key", "reason")\n` +
      `SELECT ${tenantId}, ${pipelineId}, ${runId}, ${nodeId}, 'write', to_jsonb(s) - ${ordinal}::text, ${rowKey}, $2\n` +
      `FROM ${stage.name} AS s\nWHERE s.${quoteIdent(stage.ordinal)} = $1`
    );
  },

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

/** `INSERT INTO <table> … <from><where> [ON CONFLICT …] RETURNING 1` for the node's mode. */
function insertSql(
  node: TargetNode,
  statement: StatementContext,
  from: string,
  where: string,
): string {
  const table = statement.table(node.table);
  const columns = statement.columns(node.input);
  const into = columns
    ? ` (${identList(columns.map((column) => column.name))})`
    : '';
  if (node.mode !== 'merge')
    return `INSERT INTO ${table}${into}\n${from}${where}\nRETURNING 1`;
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
  return `INSERT INTO ${table} AS t${into}\n${from}${where}\n${conflict}\nRETURNING 1`;
}

function requireStage(statement: StatementContext): StageTable {
  if (!statement.stage)
    throw new Error('an isolated write needs a stage table');
  return statement.stage;
}
