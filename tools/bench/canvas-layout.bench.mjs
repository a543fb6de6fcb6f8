// Layout time of a left-to-right DAG with the two candidate engines (docs/console.md, "Canvas"): @dagrejs/dagre
// and elkjs (layered), on graphs shaped like pipelines and lineages (layers with fan-in and fan-out).
// Usage: node tools/bench/canvas-layout.bench.mjs [nodes=200] [repeats=15]
// Prints each engine's median and p95 over `repeats` runs (after two warm-ups) and their ratio in the same run.
import { createRequire } from 'node:module';

import { percentile } from './lib.mjs';

const require = createRequire(import.meta.url);
const dagre = require('@dagrejs/dagre');
/** elkjs was the other candidate; it is not a dependency: `npm install --no-save elkjs@0.12.1` to compare again. */
let ELK = null;
try {
  ELK = require('elkjs/lib/elk.bundled.js');
} catch {
  console.log(
    'elkjs is not installed: measuring dagre only (npm install --no-save elkjs@0.12.1 to compare)',
  );
}

const nodeCount = Number(process.argv[2] ?? 200);
const repeats = Number(process.argv[3] ?? 15);
const NODE_WIDTH = 180;
const NODE_HEIGHT = 56;

/** A layered DAG: ~10 nodes per layer, each node fed by 1–2 nodes of the previous layer (deterministic). */
function makeGraph(n) {
  const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
  const edges = [];
  const perLayer = 10;
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = perLayer; i < n; i++) {
    const previousLayer = Math.floor(i / perLayer) - 1;
    const inputs = random() < 0.3 ? 2 : 1;
    for (let k = 0; k < inputs; k++) {
      const source = previousLayer * perLayer + Math.floor(random() * perLayer);
      edges.push([`n${source}`, `n${i}`]);
    }
  }
  return { nodes, edges };
}

function layoutDagre({ nodes, edges }) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 64 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of nodes)
    g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const [s, t] of edges) g.setEdge(s, t);
  dagre.layout(g);
  return g.node(nodes[0]).x;
}

const elk = ELK ? new ELK() : null;
async function layoutElk({ nodes, edges }) {
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '64',
    },
    children: nodes.map((id) => ({
      id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    })),
    edges: edges.map(([s, t], i) => ({
      id: `e${i}`,
      sources: [s],
      targets: [t],
    })),
  });
  return result.children[0].x;
}

async function time(label, fn, graph) {
  const samples = [];
  for (let i = 0; i < repeats + 2; i++) {
    const started = performance.now();
    await fn(graph);
    if (i >= 2) samples.push(performance.now() - started);
  }
  const p50 = percentile(samples, 50);
  console.log(
    `${label.padEnd(8)} ${String(graph.nodes.length).padStart(5)} nodes ${String(graph.edges.length).padStart(5)} edges: p50 ${p50.toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`,
  );
  return p50;
}

for (const n of [nodeCount, 500]) {
  const graph = makeGraph(n);
  const d = await time('dagre', layoutDagre, graph);
  if (!elk) continue;
  const e = await time('elkjs', layoutElk, graph);
  console.log(`  elkjs / dagre = ${(e / d).toFixed(2)}×`);
}
