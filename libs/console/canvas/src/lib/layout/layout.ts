import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';

import type { Graph, PlacedGraph } from '../graph/graph';

/** Size of a node card on the canvas, in canvas units (px at zoom 1). */
export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

/**
 * Left-to-right layered layout (dagre, Sugiyama-style): sources on the left, data flowing right, crossings reduced.
 * Pure and synchronous: the canvas runs it in a Web Worker for large graphs (see `GraphLayout`).
 */
export function layoutGraph(graph: Graph): PlacedGraph {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: 'LR',
    nodesep: 28,
    ranksep: 72,
    marginx: 16,
    marginy: 16,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes)
    g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.edges)
    if (g.hasNode(edge.source) && g.hasNode(edge.target))
      g.setEdge(edge.source, edge.target, {}, edge.id);
  dagreLayout(g);
  const size = g.graph();
  return {
    nodes: graph.nodes.map((node) => {
      const placed = g.node(node.id);
      return {
        ...node,
        x: placed.x - NODE_WIDTH / 2,
        y: placed.y - NODE_HEIGHT / 2,
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      };
    }),
    edges: graph.edges,
    width: size.width ?? 0,
    height: size.height ?? 0,
  };
}

/** A message to the layout worker. */
export interface LayoutRequest {
  id: number;
  graph: Graph;
}

/** The layout worker's answer to the request of the same id. */
export interface LayoutAnswer {
  id: number;
  placed?: PlacedGraph;
  error?: string;
}

/** The body of the layout worker: one answer per request, errors as text (a worker cannot throw to its page). */
export function answerLayoutRequest(request: LayoutRequest): LayoutAnswer {
  try {
    return { id: request.id, placed: layoutGraph(request.graph) };
  } catch (error) {
    return {
      id: request.id,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
