import type { StreamNode } from '@flow/contracts';

import { quoteIdent } from '../identifiers';
import { CAST_SQL_TYPES } from '../sql-types';
import { IR_LIMITS } from '../validation/fields';
import type { Column, NodeType } from './node-type';
import { CAST_TYPES } from './select';

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;
export const MAX_STREAM_PARTITIONS = 64;

/**
 * `stream`: JSON messages of a NATS JetStream stream, read by the stream worker in micro-batches (DESIGN §16).
 * Partition p is subject `<subject>.<p>`. The batch enters the statement as one `jsonb` bind parameter (the run
 * context's `streamBatch`, an array of message objects) read with `jsonb_to_recordset` into the declared types;
 * outside the stream worker (a preview, a manual run) the batch is empty.
 */
export const streamNode: NodeType<StreamNode> = {
  role: 'source',
  fields: [
    'id',
    'type',
    'stream',
    'subject',
    'partitions',
    'format',
    'columns',
    'key',
  ],

  validate(node) {
    const stream = node.get('stream');
    if (!node.has('stream')) node.error('stream', 'is required');
    else if (typeof stream !== 'string' || !STREAM_NAME.test(stream))
      node.error(
        'stream',
        `must be a JetStream stream name matching ${STREAM_NAME.source}`,
      );
    const subject = node.get('subject');
    if (!node.has('subject')) node.error('subject', 'is required');
    else if (typeof subject !== 'string' || !SUBJECT.test(subject))
      node.error(
        'subject',
        'must be dot-separated tokens of letters, digits, _ or - (no wildcards; at most 8 tokens)',
      );
    const partitions = node.get('partitions');
    if (!node.has('partitions')) node.error('partitions', 'is required');
    else if (
      !Number.isInteger(partitions) ||
      (partitions as number) < 1 ||
      (partitions as number) > MAX_STREAM_PARTITIONS
    )
      node.error(
        'partitions',
        `must be an integer from 1 to ${MAX_STREAM_PARTITIONS}`,
      );
    node.oneOf('format', ['json'] as const);
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
          node.error(`key[${i}]`, `unknown column "${name}" of the stream`);
      });
    }
  },

  inputs: () => [],

  infer(node) {
    return {
      columns: node.columns.map(
        (column): Column => ({
          name: column.name,
          type: CAST_SQL_TYPES[column.type],
          origins: [{ node: node.id, column: column.name }],
        }),
      ),
    };
  },

  compile(node, statement) {
    const list = node.columns.map((column) => quoteIdent(column.name));
    const types = node.columns
      .map(
        (column) => `${quoteIdent(column.name)} ${CAST_SQL_TYPES[column.type]}`,
      )
      .join(', ');
    const batch = statement.param(statement.run.streamBatch ?? '[]');
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${list.join(', ')}\nFROM jsonb_to_recordset(${batch}::jsonb) AS m(${types})`,
    );
  },

  replayIssue: () =>
    'a stream source cannot be replayed: its messages were consumed, not stored',
};
