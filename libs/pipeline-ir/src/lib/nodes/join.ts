import type { JoinNode } from '@flow/contracts';

import { quoteIdent } from '../identifiers';
import { IR_LIMITS } from '../validation/fields';
import type { Column, NodeType } from './node-type';

export const JOIN_KINDS = [
  'inner',
  'left',
] as const satisfies readonly JoinNode['kind'][];

/** Where a join output column comes from. */
export interface JoinOutput {
  side: 'left' | 'right';
  source: string;
  name: string;
}

/**
 * `join`: the left columns, then the right ones (renamed `<rightPrefix><name>` when set); a right key equal by name
 * to its left key is dropped, any other clash is an issue. The detail (null when a side's columns are unknown) says
 * where each output column comes from.
 */
export const joinNode: NodeType<JoinNode, JoinOutput[] | null> = {
  role: 'transform',
  fields: ['id', 'type', 'left', 'right', 'kind', 'on', 'rightPrefix'],

  validate(node) {
    node.ref('left');
    node.ref('right');
    node.oneOf('kind', JOIN_KINDS);
    const on = node.array('on', { max: IR_LIMITS.maxJoinKeys, noun: 'keys' });
    on?.forEach((item, i) => {
      const pair = node.object(item, `${node.path}.on[${i}]`, [
        'left',
        'right',
      ]);
      if (pair) {
        pair.identifier('left');
        pair.identifier('right');
      }
    });
    if (node.has('rightPrefix')) node.identifier('rightPrefix');
  },

  inputs: (node) => [node.left, node.right],

  infer(node, context) {
    node.on.forEach((key, i) => {
      context.columnOf(node.left, key.left, `.on[${i}].left`);
      context.columnOf(node.right, key.right, `.on[${i}].right`);
    });
    const left = context.input(node.left).columns;
    const right = context.input(node.right).columns;
    if (left === null || right === null) return { columns: null, detail: null };
    const outputs: JoinOutput[] = left.map(({ name }) => ({
      side: 'left',
      source: name,
      name,
    }));
    const columns: Column[] = [...left];
    const leftNames = new Set(left.map(({ name }) => name));
    for (const column of right) {
      const name = `${node.rightPrefix ?? ''}${column.name}`;
      if (name.length > 63) {
        context.issue('.rightPrefix', `"${name}" is longer than 63 characters`);
        continue;
      }
      // A right key whose output name equals the left key it is paired with carries the same value: keep the left
      // one, which now also carries the right key's origins.
      if (
        node.on.some((key) => key.right === column.name && key.left === name)
      ) {
        const index = columns.findIndex((kept) => kept.name === name);
        if (index >= 0 && column.origins)
          columns[index] = {
            ...columns[index],
            origins: [...(columns[index].origins ?? []), ...column.origins],
          };
        continue;
      }
      if (leftNames.has(name)) {
        context.issue(
          node.rightPrefix === undefined ? '.right' : '.rightPrefix',
          `column "${name}" is in the output of both "${node.left}" and "${node.right}"; ` +
            (node.rightPrefix === undefined
              ? 'set rightPrefix to rename'
              : 'choose another rightPrefix for') +
            ` the right side's columns`,
        );
        continue;
      }
      outputs.push({ side: 'right', source: column.name, name });
      columns.push({ name, type: column.type, origins: column.origins });
    }
    return { columns, detail: outputs };
  },

  compile(node, statement, { detail: outputs }) {
    const list = outputs
      ? outputs.map(({ side, source, name: output }) => {
          const column = `${side === 'left' ? 'l' : 'r'}.${quoteIdent(source)}`;
          return source === output
            ? column
            : `${column} AS ${quoteIdent(output)}`;
        })
      : ['l.*', 'r.*'];
    const on = node.on
      .map((key) => `l.${quoteIdent(key.left)} = r.${quoteIdent(key.right)}`)
      .join(' AND ');
    const join = node.kind === 'left' ? 'LEFT JOIN' : 'INNER JOIN';
    statement.cte(
      quoteIdent(node.id),
      `SELECT ${list.join(', ')}\nFROM ${quoteIdent(node.left)} AS l\n${join} ${quoteIdent(node.right)} AS r ON ${on}`,
    );
  },
};
