import { HttpErrorResponse } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import {
  ActivatedRoute,
  RouterLink,
  RouterLinkActive,
  RouterOutlet,
} from '@angular/router';
import { Title } from '@angular/platform-browser';

import { DagCanvasComponent, irToGraph } from '@flow/console/canvas';
import {
  lastRunPillStatus,
  type LoadError,
  StatusPillComponent,
  toLoadError,
} from '@flow/console/ui';

import { PipelinesApi } from '../data-access/pipelines-api';
import { NodeMetricsDrawer } from '../node-metrics/node-metrics-drawer';
import { PIPELINE_TABS } from '../pipeline-tabs';
import { NodeConfigPane } from './node-config-pane';
import { PipelineDetailState } from './pipeline-detail-state';

/**
 * `/data/pipelines/:id/<tab>`: the Visual canvas of the pipeline's IR, the selected node's config beside it, the
 * tabs under it and the per-node metrics drawer. Another tenant's (or no) pipeline shows a not-found page.
 */
@Component({
  selector: 'flow-pipeline-detail-page',
  imports: [
    DagCanvasComponent,
    NodeConfigPane,
    NodeMetricsDrawer,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    StatusPillComponent,
  ],
  providers: [PipelineDetailState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './pipeline-detail-page.html',
  styleUrl: './pipeline-detail-page.css',
})
export class PipelineDetailPage {
  private readonly api = inject(PipelinesApi);
  private readonly title = inject(Title);
  protected readonly state = inject(PipelineDetailState);
  protected readonly tabs = PIPELINE_TABS;

  protected readonly notFound = signal(false);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly pipeline = this.state.pipeline;
  protected readonly graph = computed(() => {
    const pipeline = this.pipeline();
    return pipeline ? irToGraph(pipeline.ir) : null;
  });
  protected readonly triggerKind = computed(
    () => this.pipeline()?.ir.schedule?.type ?? 'manual',
  );
  protected readonly lastRunStatus = computed(() =>
    lastRunPillStatus(this.pipeline()?.lastRunStatus ?? null),
  );
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    if (!error) return null;
    return error.kind === 'expired'
      ? 'Your session has expired: open the console again from the link `npm start` prints'
      : error.message;
  });

  constructor() {
    const route = inject(ActivatedRoute);
    const subscriptions = [
      route.paramMap.subscribe((params) => this.load(params.get('id') ?? '')),
      route.queryParamMap.subscribe((query) => {
        this.state.selectedNodeId.set(query.get('node'));
        this.state.selectedRunId.set(query.get('run'));
        this.state.metricsOpen.set(query.get('metrics') === '1');
      }),
    ];
    inject(DestroyRef).onDestroy(() =>
      subscriptions.forEach((s) => s.unsubscribe()),
    );
  }

  private load(id: string): void {
    this.pipeline.set(null);
    this.notFound.set(false);
    this.loadError.set(null);
    this.api.get(id).subscribe({
      next: (pipeline) => {
        this.pipeline.set(pipeline);
        this.title.setTitle(`${pipeline.name} · Pipelines · Flow`);
      },
      error: (error: unknown) => {
        if (error instanceof HttpErrorResponse && error.status === 404) {
          this.notFound.set(true);
          this.title.setTitle('Pipeline not found · Flow');
        } else {
          this.loadError.set(toLoadError(error));
        }
      },
    });
  }
}
