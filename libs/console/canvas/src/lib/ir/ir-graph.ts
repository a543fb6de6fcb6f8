import type { IrNode, PipelineIr } from '@flow/contracts';

import type { Graph, GraphEdge, GraphNode } from '../graph/graph';

/** The nodes an IR node reads from, with the port each arrives on (a join has two). */
export function irInputs(node: IrNode): { input: string; port: string }[] {
  switch (node.type) {
    case 'source':
    case 'stream':
    case 'file':
      return [];
    case 'join':
      return [
        { input: node.left, port: 'left' },
        { input: node.right, port: 'right' },
      ];
    default:
      return [{ input: node.input, port: 'input' }];
  }
}

/** One line saying what the node does, for its card: "orders", "2 conditions", "→ paid_orders (merge)". */
export function describeIrNode(node: IrNode): string {
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (node.type) {
    case 'source':
      return node.table;
    case 'stream':
      return `${node.stream} · ${node.subject}.* (${node.partitions})`;
    case 'file':
      return `${node.path} (${node.format})`;
    case 'filter':
      return plural(node.where.length, 'condition');
    case 'select':
      return plural(node.columns.length, 'column');
    case 'aggregate':
      return node.groupBy.length > 0
        ? `by ${node.groupBy.join(', ')}`
        : plural(node.aggregations.length, 'aggregation');
    case 'join':
      return `${node.kind} on ${node.on.map((key) => `${key.left} = ${key.right}`).join(', ')}`;
    case 'validate':
      return `${plural(node.rules.length, 'rule')}, on fail ${node.onFail}`;
    case 'target':
      return `${node.table} (${node.mode})`;
  }
}

/** The IR as a graph: a card per node (id, type), an edge per input → node. Inputs naming no node draw no edge. */
export function irToGraph(ir: PipelineIr): Graph {
  const ids = new Set(ir.nodes.map((node) => node.id));
  const nodes: GraphNode[] = ir.nodes.map((node) => ({
    id: node.id,
    label: node.id,
    kind: node.type,
    detail: describeIrNode(node),
  }));
  const edges: GraphEdge[] = ir.nodes.flatMap((node) =>
    irInputs(node)
      .filter(({ input }) => ids.has(input))
      .map(({ input, port }) => ({
        id: `${input}->${node.id}:${port}`,
        source: input,
        target: node.id,
      })),
  );
  return { nodes, edges };
}
