import { Injectable, inject } from '@angular/core';

import type { Graph, PlacedGraph } from '../graph/graph';
import { layoutGraph, type LayoutAnswer, type LayoutRequest } from './layout';
import { LAYOUT_WORKER_FACTORY } from './layout-worker.token';

/** Graphs with more nodes than this are laid out off the main thread (when a worker is available). */
export const WORKER_LAYOUT_MIN_NODES = 60;

/**
 * Lays graphs out left to right: small ones (a pipeline's IR) on the main thread, large ones (a 500-table lineage)
 * in a Web Worker so the page stays responsive while dagre works.
 */
@Injectable({ providedIn: 'root' })
export class GraphLayout {
  private readonly createWorker = inject(LAYOUT_WORKER_FACTORY);
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (placed: PlacedGraph) => void; reject: (error: Error) => void }
  >();

  layout(graph: Graph): Promise<PlacedGraph> {
    if (graph.nodes.length <= WORKER_LAYOUT_MIN_NODES || !this.createWorker)
      return Promise.resolve().then(() => layoutGraph(graph));
    const worker = this.ensureWorker(this.createWorker);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, graph } satisfies LayoutRequest);
    });
  }

  private ensureWorker(create: () => Worker): Worker {
    if (this.worker) return this.worker;
    const worker = create();
    worker.onmessage = ({ data }: MessageEvent<LayoutAnswer>) => {
      const waiting = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (data.placed) waiting?.resolve(data.placed);
      else waiting?.reject(new Error(data.error ?? 'layout failed'));
    };
    worker.onerror = (event) => {
      for (const waiting of this.pending.values())
        waiting.reject(new Error(event.message || 'layout worker failed'));
      this.pending.clear();
    };
    this.worker = worker;
    return worker;
  }
}
