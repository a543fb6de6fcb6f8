/**
 * @jest-environment node
 */
import { layoutGraph, NODE_WIDTH } from './layout';

describe(layoutGraph.name, () => {
  it('places every node left of the nodes it feeds', () => {
    const placed = layoutGraph({
      nodes: ['a', 'b', 'c', 'd'].map((id) => ({ id, label: id, kind: 'x' })),
      edges: [
        { id: '1', source: 'a', target: 'b' },
        { id: '2', source: 'b', target: 'd' },
        { id: '3', source: 'c', target: 'd' },
      ],
    });
    const x = Object.fromEntries(placed.nodes.map((n) => [n.id, n.x]));
    expect(x['a']).toBeLessThan(x['b']);
    expect(x['b'] + NODE_WIDTH).toBeLessThan(x['d']);
    expect(x['c']).toBeLessThan(x['d']);
    expect(placed.width).toBeGreaterThan(0);
  });

  it('keeps parallel edges and ignores edges to unknown nodes', () => {
    const placed = layoutGraph({
      nodes: ['a', 'j'].map((id) => ({ id, label: id, kind: 'x' })),
      edges: [
        { id: 'l', source: 'a', target: 'j' },
        { id: 'r', source: 'a', target: 'j' },
        { id: 'x', source: 'a', target: 'missing' },
      ],
    });
    expect(placed.nodes).toHaveLength(2);
    expect(placed.edges.map((e) => e.id)).toEqual(['l', 'r', 'x']);
  });
});
