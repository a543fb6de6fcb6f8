import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  ClientSideRowModelModule,
  type ColDef,
  type GetRowIdParams,
  ModuleRegistry,
  QuickFilterModule,
  RowAutoHeightModule,
} from 'ag-grid-community';

import { consoleGridTheme } from '@flow/console/ui';
import type { SchedulerStatusRow } from '@flow/contracts';

import type { SchedulerGridContext } from './grid-context';
import { schedulerColumnDefs } from './scheduler-columns';

// Only what this grid uses (sorting comes with the client-side row model; auto height lets long schedules and
// fires wrap); AllCommunityModule would blow the budget.
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  QuickFilterModule,
  RowAutoHeightModule,
]);

/** Read-only ag-grid of scheduler status rows: sortable columns, quick filter, stable row ids. */
@Component({
  selector: 'flow-scheduler-grid',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ag-grid-angular
      class="grid"
      [theme]="theme"
      [rowData]="rows()"
      [columnDefs]="columnDefs"
      [defaultColDef]="defaultColDef"
      [getRowId]="getRowId"
      [quickFilterText]="quickFilterText()"
      [context]="context"
      [rowHeight]="44"
      [suppressColumnVirtualisation]="true"
      [ensureDomOrder]="true"
    />
  `,
  styles: `
    :host {
      display: block;
      height: 100%;
    }
    .grid {
      display: block;
      height: 100%;
    }
  `,
})
export class SchedulerGridComponent {
  readonly rows = input.required<SchedulerStatusRow[]>();
  readonly quickFilterText = input('');
  /** Current time (ms), ticking; relative times in cells follow it. */
  readonly now = input.required<number>();
  readonly viewerZone = input.required<string>();
  readonly thresholdMinutes = input(5);

  protected readonly theme = consoleGridTheme;
  protected readonly columnDefs = schedulerColumnDefs();
  protected readonly defaultColDef: ColDef<SchedulerStatusRow> = {
    sortable: true,
    editable: false,
    suppressMovable: true,
  };
  protected readonly getRowId = (params: GetRowIdParams<SchedulerStatusRow>) =>
    params.data.id;
  protected readonly context: SchedulerGridContext = {
    now: this.now,
    viewerZone: this.viewerZone,
    thresholdMinutes: this.thresholdMinutes,
  };
}
