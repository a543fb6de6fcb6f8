import type { LineageResponse } from '@flow/contracts';

/** Every table upstream and downstream of `table` in the api's lineage (its own walk, not the console's). */
export function expectedPath(
  lineage: LineageResponse,
  table: string,
): string[] {
  const walk = (
    next: (edge: LineageResponse['edges'][number]) => [string, string],
  ) => {
    const seen = new Set([table]);
    const queue = [table];
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const edge of lineage.edges) {
        const [from, to] = next(edge);
        if (from === current && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    return seen;
  };
  const down = walk((edge) => [edge.from, edge.to]);
  const up = walk((edge) => [edge.to, edge.from]);
  return [...new Set([...down, ...up])].sort();
}
