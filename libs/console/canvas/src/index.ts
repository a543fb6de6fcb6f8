export {
  DagCanvasComponent,
  type GraphHighlight,
} from './lib/dag-canvas/dag-canvas';
export {
  pathThrough,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type PlacedGraph,
  type PlacedNode,
} from './lib/graph/graph';
export { describeIrNode, irInputs, irToGraph } from './lib/ir/ir-graph';
export { GraphLayout } from './lib/layout/graph-layout';
export { LAYOUT_WORKER_FACTORY } from './lib/layout/layout-worker.token';
