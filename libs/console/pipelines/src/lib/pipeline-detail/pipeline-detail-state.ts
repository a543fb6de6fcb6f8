import { Injectable, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';

import type { IrNode, PipelineResponse } from '@flow/contracts';

/**
 * What the pipeline page and its tabs share: the pipeline, the selected node and run. Provided by the page; the
 * selection lives in the URL (`?node=&run=&metrics=1`), so every view of a pipeline is deep-linkable.
 */
@Injectable()
export class PipelineDetailState {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  readonly pipeline = signal<PipelineResponse | null>(null);
  readonly selectedNodeId = signal<string | null>(null);
  readonly selectedRunId = signal<string | null>(null);
  readonly metricsOpen = signal(false);

  readonly selectedNode = computed<IrNode | null>(() => {
    const id = this.selectedNodeId();
    return this.pipeline()?.ir.nodes.find((node) => node.id === id) ?? null;
  });

  selectNode(id: string | null): void {
    this.updateQuery({ node: id });
  }

  selectRun(id: string | null): void {
    this.updateQuery({ run: id });
  }

  /** Opens the metrics drawer on a node (and a run, when given). */
  openMetrics(node: string, run?: string | null): void {
    this.updateQuery({
      node,
      metrics: '1',
      ...(run !== undefined ? { run } : {}),
    });
  }

  closeMetrics(): void {
    this.updateQuery({ metrics: null });
  }

  private updateQuery(params: Record<string, string | null>): void {
    void this.router.navigate([], {
      relativeTo: this.route.firstChild ?? this.route,
      queryParams: params,
      queryParamsHandling: 'merge',
    });
  }
}
