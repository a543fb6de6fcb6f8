import type { PlacedNode } from '../graph/graph';
import { directionOfKey, neighbourInDirection } from './focus-navigation';

const at = (id: string, x: number, y: number): PlacedNode => ({
  id,
  label: id,
  kind: 'x',
  x,
  y,
  width: 100,
  height: 40,
});

//   a(0,0)   b(200,0)   d(400,50)
//   c(0,100) e(200,100)
const nodes = [
  at('a', 0, 0),
  at('b', 200, 0),
  at('c', 0, 100),
  at('e', 200, 100),
  at('d', 400, 50),
];

describe(neighbourInDirection.name, () => {
  it.each([
    ['a', 'right', 'b'],
    ['a', 'down', 'c'],
    ['c', 'up', 'a'],
    ['e', 'left', 'c'],
    ['b', 'right', 'd'],
    ['e', 'right', 'd'],
    ['d', 'left', 'b'],
  ] as const)('from %s %s is %s', (from, direction, expected) => {
    expect(neighbourInDirection(nodes, from, direction)).toBe(expected);
  });

  it('is null at the edge of the graph or for an unknown node', () => {
    expect(neighbourInDirection(nodes, 'd', 'right')).toBeNull();
    expect(neighbourInDirection(nodes, 'a', 'up')).toBeNull();
    expect(neighbourInDirection(nodes, 'zz', 'up')).toBeNull();
  });
});

describe(directionOfKey.name, () => {
  it('maps arrow keys only', () => {
    expect(directionOfKey('ArrowRight')).toBe('right');
    expect(directionOfKey('Enter')).toBeNull();
  });
});
