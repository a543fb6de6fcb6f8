import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
} from '@angular/core';
import { AgCharts } from 'ag-charts-angular';
import {
  type AgCartesianChartOptions,
  CategoryAxisModule,
  CrossLinesModule,
  LegendModule,
  LineSeriesModule,
  ModuleRegistry,
  NumberAxisModule,
} from 'ag-charts-community';

import {
  CHART_COLORS,
  consoleChartTheme,
  formatDateTime,
  formatDuration,
  injectStyleNonce,
} from '@flow/console/ui';

import type { TrendDatum } from './trend';

// Only what this chart draws; the whole community bundle would double the chunk.
ModuleRegistry.registerModules([
  CategoryAxisModule,
  CrossLinesModule,
  LegendModule,
  LineSeriesModule,
  NumberAxisModule,
]);

/**
 * A node's rows in / out / rejected (left axis) and duration (right axis) over the last runs, oldest on the left.
 * Failed runs are red squares on every line; a dashed vertical line marks a change of IR version. Loaded lazily
 * (the drawer `@defer`s it), so ag-charts is its own chunk.
 */
@Component({
  selector: 'flow-node-trend-chart',
  imports: [AgCharts],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<ag-charts
    class="chart"
    data-testid="trend-chart"
    [attr.data-points]="trend().length"
    [options]="options()"
  />`,
  styles: `
    :host {
      display: block;
    }
    .chart {
      display: block;
      height: 260px;
    }
  `,
})
export class NodeTrendChart {
  readonly trend = input.required<TrendDatum[]>();
  readonly viewerZone = input.required<string>();
  readonly now = input.required<number>();

  private readonly styleNonce = injectStyleNonce();
  protected readonly options = computed<AgCartesianChartOptions>(() => {
    const trend = this.trend();
    const zone = this.viewerZone();
    const now = this.now();
    const labels = new Map(
      trend.map((d) => [d.runId, formatDateTime(d.at, zone, now)]),
    );
    const failedMarker = {
      itemStyler: ({ datum }: { datum: TrendDatum }) =>
        datum.failed
          ? { shape: 'square' as const, fill: CHART_COLORS.failed, size: 9 }
          : {},
    };
    const line = (
      yKey: keyof TrendDatum,
      yName: string,
      stroke: string,
      yKeyAxis = 'y',
    ) => ({
      type: 'line' as const,
      xKey: 'runId',
      yKey,
      yName,
      yKeyAxis,
      stroke,
      marker: { fill: stroke, size: 6, ...failedMarker },
      tooltip: {
        renderer: ({ datum }: { datum: TrendDatum }) => ({
          heading: `${labels.get(datum.runId)} · ${datum.status}`,
          data: [
            {
              label: yName,
              value:
                yKey === 'durationMs'
                  ? formatDuration(datum.durationMs)
                  : String(datum[yKey] ?? '—'),
            },
          ],
        }),
      },
    });
    return {
      theme: consoleChartTheme,
      styleNonce: this.styleNonce,
      data: trend.map((d) => ({ ...d, failedMark: d.failed ? 0 : null })),
      legend: { position: 'bottom' },
      series: [
        line('rowsIn', 'Rows in', CHART_COLORS.rowsIn),
        line('rowsOut', 'Rows out', CHART_COLORS.rowsOut),
        line('rowsRejected', 'Rejected', CHART_COLORS.rejected),
        line('durationMs', 'Duration', CHART_COLORS.duration, 'duration'),
        {
          // Failed runs as red squares on the axis (a failed run may have recorded no figures at all).
          type: 'line' as const,
          xKey: 'runId',
          yKey: 'failedMark',
          yName: 'Failed run',
          strokeWidth: 0,
          marker: {
            shape: 'square' as const,
            fill: CHART_COLORS.failed,
            stroke: CHART_COLORS.failed,
            size: 10,
          },
        },
      ],
      axes: {
        x: {
          type: 'category',
          position: 'bottom',
          label: {
            formatter: ({ value }: { value: unknown }) =>
              labels.get(String(value)) ?? String(value),
          },
          crossLines: trend
            .filter((d) => d.versionChanged)
            .map((d) => ({
              type: 'line' as const,
              value: d.runId,
              stroke: CHART_COLORS.versionChange,
              lineDash: [4, 3],
              label: { text: `IR v${d.irVersion}`, position: 'top' as const },
            })),
        },
        y: { type: 'number', position: 'left', title: { text: 'Rows' } },
        duration: {
          type: 'number',
          position: 'right',
          title: { text: 'Duration (ms)' },
        },
      },
    } as AgCartesianChartOptions;
  });
}
