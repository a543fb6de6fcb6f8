import { Directive, computed, signal } from '@angular/core';
import type { ICellRendererAngularComp } from 'ag-grid-angular';
import type { ICellRendererParams } from 'ag-grid-community';

import type { SchedulerStatusRow } from '@flow/contracts';

import type { SchedulerGridContext } from './grid-context';

export type SchedulerCellParams = ICellRendererParams<
  SchedulerStatusRow,
  unknown,
  SchedulerGridContext
>;

/** Base of the grid's cell renderers: keeps ag-grid's row and context in signals for OnPush templates. */
@Directive()
export abstract class RowCellRenderer implements ICellRendererAngularComp {
  protected readonly row = signal<SchedulerStatusRow | null>(null);
  protected readonly context = signal<SchedulerGridContext | null>(null);
  /** `now` rounded down to the minute: cells that show minutes need not recompute every second. */
  protected readonly minuteNow = computed(
    () => Math.floor((this.context()?.now() ?? Date.now()) / 60_000) * 60_000,
  );

  agInit(params: SchedulerCellParams): void {
    this.row.set(params.data ?? null);
    this.context.set(params.context);
  }

  /** Row data replaced in place (same row id): update the signals instead of re-creating the cell. */
  refresh(params: SchedulerCellParams): boolean {
    this.agInit(params);
    return true;
  }
}
