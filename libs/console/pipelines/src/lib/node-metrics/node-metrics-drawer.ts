import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { forkJoin, of, type Subscription, switchMap } from 'rxjs';

import {
  formatDateTime,
  formatDuration,
  type LoadError,
  StatusPillComponent,
  TimeComponent,
  toLoadError,
  VIEWER_TIME_ZONE,
} from '@flow/console/ui';
import type { NodeMetricsResponse, RunDetailResponse } from '@flow/contracts';

import { PipelinesApi, TREND_RUNS } from '../data-access/pipelines-api';
import { NodeTrendChart } from './node-trend-chart';
import { toTrend } from './trend';

const count = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : value.toLocaleString('en-GB');

/**
 * The per-node metrics drawer: the node's rows in / out / rejected and duration in the selected run (the newest
 * when none is selected), and its run-over-run trend over the last 30 runs — as a chart and as a table.
 */
@Component({
  selector: 'flow-node-metrics-drawer',
  imports: [NodeTrendChart, StatusPillComponent, TimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './node-metrics-drawer.html',
  styleUrl: './node-metrics-drawer.css',
  host: {
    role: 'dialog',
    'aria-modal': 'false',
    'aria-labelledby': 'metrics-title',
    'data-testid': 'metrics-drawer',
    '(keydown.escape)': 'closed.emit()',
  },
})
export class NodeMetricsDrawer {
  private readonly api = inject(PipelinesApi);

  readonly pipelineId = input.required<string>();
  readonly nodeId = input.required<string>();
  /** The run whose figures to show; null → the newest run. */
  readonly runId = input<string | null>(null);
  readonly closed = output<void>();

  protected readonly viewerZone = inject(VIEWER_TIME_ZONE);
  protected readonly now = signal(Date.now());
  protected readonly trendResponse = signal<NodeMetricsResponse | null>(null);
  protected readonly run = signal<RunDetailResponse | null>(null);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly trendRuns = TREND_RUNS;

  protected readonly trend = computed(() =>
    toTrend(this.trendResponse()?.items ?? []),
  );
  protected readonly figures = computed(
    () => this.run()?.nodeMetrics[this.nodeId()] ?? null,
  );
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    return error?.kind === 'failed'
      ? error.message
      : error
        ? 'your session has expired'
        : null;
  });

  protected readonly count = count;
  protected readonly formatDuration = formatDuration;
  protected readonly formatDateTime = formatDateTime;

  private request: Subscription | null = null;

  constructor() {
    effect(() => {
      const pipelineId = this.pipelineId();
      const nodeId = this.nodeId();
      const runId = this.runId();
      untracked(() => this.load(pipelineId, nodeId, runId));
    });
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
  }

  private load(pipelineId: string, nodeId: string, runId: string | null): void {
    this.request?.unsubscribe();
    this.loadError.set(null);
    this.request = this.api
      .nodeMetrics(pipelineId, nodeId, TREND_RUNS)
      .pipe(
        switchMap((trend) => {
          const newest = trend.items[trend.items.length - 1]?.runId ?? null;
          const selected = runId ?? newest;
          return forkJoin({
            trend: of(trend),
            run: selected ? this.api.run(pipelineId, selected) : of(null),
          });
        }),
      )
      .subscribe({
        next: ({ trend, run }) => {
          this.trendResponse.set(trend);
          this.run.set(run);
          this.now.set(Date.now());
        },
        error: (error: unknown) => this.loadError.set(toLoadError(error)),
      });
  }
}
