import { Directive, computed } from '@angular/core';
import type { ICellRendererParams } from 'ag-grid-community';

import { GridCellRenderer } from '@flow/console/ui';
import type { SchedulerStatusRow } from '@flow/contracts';

import type { SchedulerGridContext } from './grid-context';

export type SchedulerCellParams = ICellRendererParams<
  SchedulerStatusRow,
  unknown,
  SchedulerGridContext
>;

/** Base of the scheduler grid's cell renderers. */
@Directive()
export abstract class RowCellRenderer extends GridCellRenderer<
  SchedulerStatusRow,
  SchedulerGridContext
> {
  /** `now` rounded down to the minute: cells that show minutes need not recompute every second. */
  protected readonly minuteNow = computed(
    () => Math.floor((this.context()?.now() ?? Date.now()) / 60_000) * 60_000,
  );
}
