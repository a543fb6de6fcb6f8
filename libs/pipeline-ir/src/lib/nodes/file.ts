import type { FileNode } from '@flow/contracts';

import { filePatternProblem } from '../file-pattern';
import { quoteIdent } from '../identifiers';
import { identList } from '../sql-text';
import { CAST_SQL_TYPES } from '../sql-types';
import { IR_LIMITS } from '../validation/fields';
import type { NodeType } from './node-type';
import { CAST_TYPES } from './select';

export const FILE_FORMATS = ['csv', 'ndjson'] as const;

/**
 * The temporary table a run loads a file node's lines into (with `COPY … FROM STDIN`) before its statements run:
 * `pg_temp."file:<id>"`. ':' keeps it apart from every table name an IR can write.
 */
export function fileStageTable(nodeId: string): string {
  return `pg_temp.${quoteIdent(`file:${nodeId}`)}`;
}

/**
 * `file`: the lines of a file that arrived in the tenant's landing directory, typed by the declared columns. The
 * run parses the file, loads the good lines into {@link fileStageTable} and records the others as `parse` dead
 * letters; from there on it reads like a table.
 */
export const fileNode: NodeType<FileNode> = {
  role: 'source',
  fields: ['id', 'type', 'path', 'format', 'columns', 'header', 'key'],

  validate(node) {
    if (!node.has('path')) node.error('path', 'is required');
    else if (typeof node.get('path') !== 'string')
      node.error('path', 'must be a string');
    else {
      const problem = filePatternProblem(node.get('path') as string);
      if (problem) node.error('path', problem);
    }
    const format = node.oneOf('format', FILE_FORMATS);
    if (node.has('header')) {
      if (typeof node.get('header') !== 'boolean')
        node.error('header', 'must be a boolean');
      else if (format === 'ndjson')
        node.error(
          'header',
          'applies to csv only (ndjson lines name their fields)',
        );
    }
    const columns = node.array('columns', {
      max: IR_LIMITS.maxColumns,
      noun: 'columns',
    });
    const names = new Set<string>();
    columns?.forEach((item, i) => {
      const column = node.object(item, `${node.path}.columns[${i}]`, [
        'name',
        'type',
      ]);
      if (!column) return;
      const name = column.identifier('name');
      column.oneOf('type', CAST_TYPES);
      if (name === undefined) return;
      if (names.has(name)) column.error('name', `duplicate column "${name}"`);
      names.add(name);
    });
    if (node.has('key')) {
      const key = node.identifierList('key', { allowEmpty: false });
      key?.forEach((name, i) => {
        if (columns && !names.has(name))
          node.error(
            `key[${i}]`,
            `unknown column "${name}": not among columns`,
          );
      });
    }
  },

  inputs: () => [],

  infer(node) {
    return {
      columns: node.columns.map((column) => ({
        name: column.name,
        type: CAST_SQL_TYPES[column.type],
        origins: [{ node: node.id, column: column.name }],
      })),
    };
  },

  compile(node, statement) {
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${identList(node.columns.map((column) => column.name))}\nFROM ${fileStageTable(node.id)}`,
    );
  },

  replayIssue: () =>
    'a file source is read once per file (the file has moved to .processed/); load a corrected file instead',
};
