import type { PipelineIr } from '@flow/contracts';

import { describeIrNode, irToGraph } from './ir-graph';

const ir: PipelineIr = {
  version: 1,
  nodes: [
    { id: 'orders', type: 'source', table: 'orders' },
    { id: 'customers', type: 'source', table: 'customers' },
    {
      id: 'joined',
      type: 'join',
      left: 'orders',
      right: 'customers',
      kind: 'inner',
      on: [{ left: 'customer_id', right: 'id' }],
    },
    {
      id: 'paid',
      type: 'filter',
      input: 'joined',
      where: [{ column: 'status', op: '=', value: 'paid' }],
    },
    {
      id: 'out',
      type: 'target',
      input: 'paid',
      table: 'paid_orders',
      mode: 'merge',
      key: ['id'],
    },
  ],
};

describe(irToGraph.name, () => {
  it('has a card per node and an edge per input, two for a join', () => {
    const graph = irToGraph(ir);
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['orders', 'source'],
      ['customers', 'source'],
      ['joined', 'join'],
      ['paid', 'filter'],
      ['out', 'target'],
    ]);
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([
      ['orders', 'joined'],
      ['customers', 'joined'],
      ['joined', 'paid'],
      ['paid', 'out'],
    ]);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(4);
  });

  it('keeps a self-join as two edges', () => {
    const graph = irToGraph({
      version: 1,
      nodes: [
        { id: 'a', type: 'source', table: 't' },
        { id: 'j', type: 'join', left: 'a', right: 'a', kind: 'left', on: [] },
      ],
    });
    expect(graph.edges.map((e) => e.id)).toEqual(['a->j:left', 'a->j:right']);
  });

  it('draws no edge for an input that names no node', () => {
    const graph = irToGraph({
      version: 1,
      nodes: [{ id: 'f', type: 'filter', input: 'gone', where: [] }],
    });
    expect(graph.edges).toEqual([]);
  });
});

describe(describeIrNode.name, () => {
  it('says what each node does in a line', () => {
    expect(ir.nodes.map(describeIrNode)).toEqual([
      'orders',
      'customers',
      'inner on customer_id = id',
      '1 condition',
      'paid_orders (merge)',
    ]);
  });
});
