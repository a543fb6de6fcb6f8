/** A node of a directed graph the canvas draws: a pipeline's IR node, or a lineage table or pipeline. */
export interface GraphNode {
  id: string;
  /** Main text of the card (the node id, a table name). */
  label: string;
  /** Secondary text, e.g. the IR node's type ("filter"); also a CSS modifier (`node--filter`). */
  kind: string;
  /** Extra line under the label (e.g. "orders → paid_orders"); optional. */
  detail?: string;
}

/** An edge from `source` to `target` (data flows that way). */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Whether the edge is drawn as invalid (e.g. an input that names a missing node). */
  invalid?: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A node with its position (top-left corner) and size after layout, in canvas units. */
export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedGraph {
  nodes: PlacedNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/**
 * Everything upstream and downstream of `start` (itself included): the nodes and edges on some directed path
 * through it. Iterative and linear in the graph's size, so a 500-table lineage answers at once.
 */
export function pathThrough(
  graph: Graph,
  start: string,
): { nodes: Set<string>; edges: Set<string> } {
  const outgoing = new Map<string, GraphEdge[]>();
  const incoming = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    append(outgoing, edge.source, edge);
    append(incoming, edge.target, edge);
  }
  const nodes = new Set<string>([start]);
  const edges = new Set<string>();
  const walk = (
    adjacency: Map<string, GraphEdge[]>,
    next: (edge: GraphEdge) => string,
  ) => {
    const seen = new Set<string>([start]);
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      for (const edge of adjacency.get(id) ?? []) {
        edges.add(edge.id);
        const other = next(edge);
        nodes.add(other);
        if (!seen.has(other)) {
          seen.add(other);
          stack.push(other);
        }
      }
    }
  };
  walk(outgoing, (edge) => edge.target);
  walk(incoming, (edge) => edge.source);
  return { nodes, edges };
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
