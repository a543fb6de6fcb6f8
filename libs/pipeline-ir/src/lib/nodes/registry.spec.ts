import { IR_NODE_TYPES } from '@flow/contracts';

import { validateNode } from '../validate-ir';
import { describeNodeType, isNodeType, NODE_TYPE_NAMES } from './registry';

describe('NODE_TYPES', () => {
  it('registers every node type of the contract, in its order', () => {
    expect(NODE_TYPE_NAMES).toEqual([...IR_NODE_TYPES]);
  });

  it('never takes an inherited property for a node type', () => {
    expect(isNodeType('constructor')).toBe(false);
    expect(isNodeType('__proto__')).toBe(false);
    expect(isNodeType('filter')).toBe(true);
  });

  it('describes a type for a config form', () => {
    expect(describeNodeType('target')).toEqual({
      role: 'target',
      fields: ['id', 'type', 'input', 'table', 'mode', 'key'],
    });
    expect(describeNodeType('source').role).toBe('source');
  });
});

describe('validateNode', () => {
  it('checks one node on its own, with paths under the given one', () => {
    expect(
      validateNode(
        {
          id: 'paid',
          type: 'filter',
          input: 'orders',
          where: [{ column: 'status', op: 'in', value: [] }],
        },
        'ir.nodes[3]',
      ),
    ).toEqual([
      { path: 'ir.nodes[3].where[0].value', message: 'must not be empty' },
    ]);
  });

  it('does not check the graph: an input naming no node is fine alone', () => {
    expect(
      validateNode(
        {
          id: 'out',
          type: 'target',
          input: 'missing',
          table: 't',
          mode: 'append',
        },
        'node',
      ),
    ).toEqual([]);
  });

  it('reports an unknown type and stray fields', () => {
    expect(validateNode({ id: 'x', type: 'ftp' }, 'n')).toEqual([
      {
        path: 'n.type',
        message: `must be one of ${NODE_TYPE_NAMES.join(', ')}`,
      },
    ]);
    expect(
      validateNode({ id: 's', type: 'source', table: 't', where: [] }, 'n'),
    ).toEqual([{ path: 'n.where', message: 'unknown field' }]);
  });
});
