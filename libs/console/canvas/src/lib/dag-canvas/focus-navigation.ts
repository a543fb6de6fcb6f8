import type { PlacedNode } from '../graph/graph';

export type Direction = 'left' | 'right' | 'up' | 'down';

const KEY_DIRECTIONS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

export function directionOfKey(key: string): Direction | null {
  return KEY_DIRECTIONS[key] ?? null;
}

/**
 * The node an arrow key moves focus to: the nearest node whose centre lies in that direction, distance along the
 * other axis counting double (so Right prefers the next layer's node at the same height). Null at the edge.
 */
export function neighbourInDirection(
  nodes: readonly PlacedNode[],
  fromId: string,
  direction: Direction,
): string | null {
  const from = nodes.find((node) => node.id === fromId);
  if (!from) return null;
  const cx = (node: PlacedNode) => node.x + node.width / 2;
  const cy = (node: PlacedNode) => node.y + node.height / 2;
  let best: { id: string; score: number } | null = null;
  for (const node of nodes) {
    if (node.id === fromId) continue;
    const dx = cx(node) - cx(from);
    const dy = cy(node) - cy(from);
    const [along, across] =
      direction === 'left' || direction === 'right' ? [dx, dy] : [dy, dx];
    const forward =
      direction === 'right' || direction === 'down' ? along : -along;
    if (forward <= 1) continue;
    const score = forward + 2 * Math.abs(across);
    if (!best || score < best.score) best = { id: node.id, score };
  }
  return best?.id ?? null;
}
