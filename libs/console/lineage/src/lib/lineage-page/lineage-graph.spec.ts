import { pathThrough } from '@flow/console/canvas';
import type { LineageResponse } from '@flow/contracts';

import { lineageGraph, lineageRows } from './lineage-graph';

//   orders ─p1→ paid ─p2→ revenue
//   customers ─p3→ contactable          (unrelated)
//   orders, customers ─p4→ joined
const lineage: LineageResponse = {
  nodes: [
    'orders',
    'paid',
    'revenue',
    'customers',
    'contactable',
    'joined',
  ].map((table) => ({
    table,
    kind: 'table',
    role: 'both',
    exists: true,
    rowCount: 1,
    lastWrittenAt: null,
  })),
  edges: [
    { from: 'orders', to: 'paid', pipelineId: 'p1' },
    { from: 'paid', to: 'revenue', pipelineId: 'p2' },
    { from: 'customers', to: 'contactable', pipelineId: 'p3' },
    { from: 'orders', to: 'joined', pipelineId: 'p4' },
    { from: 'customers', to: 'joined', pipelineId: 'p4' },
  ],
};
const name = (id: string) => `pipeline-${id}`;

describe(lineageGraph.name, () => {
  const graph = lineageGraph(lineage, name);

  it('has a node per table and per pipeline, and each edge once', () => {
    expect(graph.nodes).toHaveLength(6 + 4);
    expect(graph.edges.map((e) => e.id)).toContain('table:orders->pipeline:p4');
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
    expect(graph.edges).toHaveLength(9);
  });

  it('highlights exactly the upstream and downstream of a table', () => {
    const { nodes } = pathThrough(graph, 'table:paid');
    expect([...nodes].sort()).toEqual(
      [
        'pipeline:p1',
        'pipeline:p2',
        'table:orders',
        'table:paid',
        'table:revenue',
      ].sort(),
    );
  });
});

describe(lineageRows.name, () => {
  it('names the writers and readers of each table', () => {
    const rows = lineageRows(lineage, name);
    const orders = rows.find((row) => row.table === 'orders');
    expect(orders?.readers).toEqual(['pipeline-p1', 'pipeline-p4']);
    expect(orders?.writers).toEqual([]);
    expect(rows.find((row) => row.table === 'joined')?.writers).toEqual([
      'pipeline-p4',
    ]);
  });
});
