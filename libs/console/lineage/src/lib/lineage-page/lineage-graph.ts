import type { Graph, GraphEdge, GraphNode } from '@flow/console/canvas';
import type { LineageNode, LineageResponse } from '@flow/contracts';

/** Graph ids: tables and pipelines share one graph, so each id says which it is. */
export const tableNodeId = (table: string) => `table:${table}`;
export const pipelineNodeId = (pipelineId: string) => `pipeline:${pipelineId}`;

/** A lineage table as a row of the grid. */
export interface LineageRow extends LineageNode {
  /** Pipelines writing the table (names), sorted. */
  writers: string[];
  /** Pipelines reading the table (names), sorted. */
  readers: string[];
}

/**
 * The lineage as a graph of tables and pipelines: source table → pipeline → target table for each of the api's
 * edges (which connect a pipeline's every source to its every target), each edge once.
 */
export function lineageGraph(
  lineage: LineageResponse,
  pipelineName: (id: string) => string,
): Graph {
  const nodes: GraphNode[] = lineage.nodes.map((node) => ({
    id: tableNodeId(node.table),
    label: node.table,
    kind: 'table',
    detail: `${node.role}${node.exists ? '' : ', missing'}`,
  }));
  const pipelines = new Set<string>();
  const edges = new Map<string, GraphEdge>();
  const addEdge = (source: string, target: string) => {
    const id = `${source}->${target}`;
    if (!edges.has(id)) edges.set(id, { id, source, target });
  };
  for (const edge of lineage.edges) {
    const pipeline = pipelineNodeId(edge.pipelineId);
    if (!pipelines.has(edge.pipelineId)) {
      pipelines.add(edge.pipelineId);
      nodes.push({
        id: pipeline,
        label: pipelineName(edge.pipelineId),
        kind: 'pipeline',
      });
    }
    addEdge(tableNodeId(edge.from), pipeline);
    addEdge(pipeline, tableNodeId(edge.to));
  }
  return { nodes, edges: [...edges.values()] };
}

/** The grid's rows: every table with its writer and reader pipelines by name. */
export function lineageRows(
  lineage: LineageResponse,
  pipelineName: (id: string) => string,
): LineageRow[] {
  const writers = new Map<string, Set<string>>();
  const readers = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, table: string, id: string) => {
    const set = map.get(table) ?? new Set<string>();
    set.add(pipelineName(id));
    map.set(table, set);
  };
  for (const edge of lineage.edges) {
    add(readers, edge.from, edge.pipelineId);
    add(writers, edge.to, edge.pipelineId);
  }
  const sorted = (set: Set<string> | undefined) =>
    [...(set ?? [])].sort((a, b) => a.localeCompare(b));
  return lineage.nodes.map((node) => ({
    ...node,
    writers: sorted(writers.get(node.table)),
    readers: sorted(readers.get(node.table)),
  }));
}
