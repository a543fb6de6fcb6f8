import {
  ChangeDetectionStrategy,
  Component,
  computed,
  signal,
} from '@angular/core';
import type { ICellRendererParams } from 'ag-grid-community';

import {
  GridCellRenderer,
  StatusPillComponent,
  TimeComponent,
} from '@flow/console/ui';
import type { RunResponse } from '@flow/contracts';

import type { RunsGridContext } from './runs-columns';

/** The run's status pill. */
@Component({
  selector: 'flow-run-status-cell',
  imports: [StatusPillComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    <flow-status-pill [status]="row.status" />
  }`,
})
export class RunStatusCell extends GridCellRenderer<
  RunResponse,
  RunsGridContext
> {}

type RunInstantField = 'scheduledFor' | 'startedAt';

/** One of the run's instants (`field` from the column's params): a date with its year when not this year. */
@Component({
  selector: 'flow-run-time-cell',
  imports: [TimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (context(); as context) {
    <flow-time
      [at]="at()"
      [zone]="context.viewerZone()"
      [now]="context.now()"
    />
  }`,
})
export class RunTimeCell extends GridCellRenderer<
  RunResponse,
  RunsGridContext
> {
  private readonly field = signal<RunInstantField>('startedAt');
  protected readonly at = computed(() => this.row()?.[this.field()] ?? null);

  override agInit(
    params: ICellRendererParams<RunResponse, unknown, RunsGridContext> & {
      field?: RunInstantField;
    },
  ): void {
    super.agInit(params);
    if (params.field) this.field.set(params.field);
  }
}
