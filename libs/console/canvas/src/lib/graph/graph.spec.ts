import { pathThrough, type Graph } from './graph';

const graph = (edges: [string, string][]): Graph => ({
  nodes: [...new Set(edges.flat())].map((id) => ({ id, label: id, kind: 't' })),
  edges: edges.map(([source, target]) => ({
    id: `${source}->${target}`,
    source,
    target,
  })),
});

describe(pathThrough.name, () => {
  //   a → b → d → e
  //   c ↗       ↘ f      x → y (unrelated)      g → d's sibling? no: g → h
  const g = graph([
    ['a', 'b'],
    ['c', 'b'],
    ['b', 'd'],
    ['d', 'e'],
    ['d', 'f'],
    ['x', 'y'],
    ['e', 'z'],
    ['q', 'f'],
  ]);

  it('collects every ancestor and descendant with the edges between them, not siblings', () => {
    const { nodes, edges } = pathThrough(g, 'd');
    expect([...nodes].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'z']);
    // q → f is downstream of nothing we pass through upstream: q is f's other parent, not on a path through d.
    expect(nodes.has('q')).toBe(false);
    expect([...edges].sort()).toEqual(
      ['a->b', 'b->d', 'c->b', 'd->e', 'd->f', 'e->z'].sort(),
    );
  });

  it('is just the node for an isolated node', () => {
    const { nodes, edges } = pathThrough(graph([['x', 'y']]), 'q');
    expect([...nodes]).toEqual(['q']);
    expect(edges.size).toBe(0);
  });

  it('terminates on cycles', () => {
    const { nodes } = pathThrough(
      graph([
        ['a', 'b'],
        ['b', 'a'],
        ['b', 'c'],
      ]),
      'a',
    );
    expect([...nodes].sort()).toEqual(['a', 'b', 'c']);
  });

  it('handles a 500-table chain without recursion limits', () => {
    const edges: [string, string][] = [];
    for (let i = 0; i < 5_000; i++) edges.push([`t${i}`, `t${i + 1}`]);
    const { nodes } = pathThrough(graph(edges), 't2500');
    expect(nodes.size).toBe(5_001);
  });
});
