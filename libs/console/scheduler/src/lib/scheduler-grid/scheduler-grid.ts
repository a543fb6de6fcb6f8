import {
  ChangeDetectionStrategy,
  Component,
  effect,
  input,
  signal,
  untracked,
} from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  ClientSideRowModelModule,
  type ColDef,
  type GridApi,
  type GridReadyEvent,
  type GetRowIdParams,
  type IDatasource,
  InfiniteRowModelModule,
  ModuleRegistry,
  QuickFilterModule,
  RowAutoHeightModule,
} from 'ag-grid-community';

import { consoleGridTheme, injectStyleNonce } from '@flow/console/ui';
import type { SchedulerStatusRow } from '@flow/contracts';

import type { SchedulerGridContext } from './grid-context';
import { schedulerColumnDefs } from './scheduler-columns';

// Only what this grid uses (sorting comes with the row models; auto height lets long schedules and fires wrap in
// the client-side model; the infinite model loads pages of a large tenant); AllCommunityModule would blow the budget.
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  InfiniteRowModelModule,
  QuickFilterModule,
  RowAutoHeightModule,
]);

/** Rows per request of the infinite row model. */
export const STATUS_BLOCK_SIZE = 100;

/**
 * Read-only ag-grid of scheduler status rows, stable row ids. Given `rows`, it holds them all (client-side model:
 * sorting and the quick filter in the browser); given a `datasource` (a large tenant), it loads blocks of
 * {@link STATUS_BLOCK_SIZE} rows from the api as the user scrolls, and the api sorts and filters.
 */
@Component({
  selector: 'flow-scheduler-grid',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (datasource(); as datasource) {
      <ag-grid-angular
        class="grid"
        data-testid="scheduler-grid-paged"
        [theme]="theme"
        [styleNonce]="styleNonce"
        rowModelType="infinite"
        [datasource]="datasource"
        [cacheBlockSize]="blockSize"
        [maxBlocksInCache]="20"
        [columnDefs]="pagedColumnDefs"
        [defaultColDef]="defaultColDef"
        [getRowId]="getRowId"
        [context]="context"
        [rowHeight]="64"
        [suppressColumnVirtualisation]="true"
        [ensureDomOrder]="true"
        (gridReady)="keepApi($event)"
      />
    } @else {
      <ag-grid-angular
        class="grid"
        [theme]="theme"
        [styleNonce]="styleNonce"
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
    }
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
  readonly rows = input<SchedulerStatusRow[]>([]);
  /** Set for a large tenant: rows come from the api page by page. */
  readonly datasource = input<IDatasource | null>(null);
  /** Incremented to reload the loaded blocks (auto-refresh) without losing the scroll position. */
  readonly reloadCount = input(0);
  readonly quickFilterText = input('');
  /** Current time (ms), ticking; relative times in cells follow it. */
  readonly now = input.required<number>();
  readonly viewerZone = input.required<string>();
  readonly thresholdMinutes = input(5);

  protected readonly theme = consoleGridTheme;
  protected readonly styleNonce = injectStyleNonce();
  protected readonly blockSize = STATUS_BLOCK_SIZE;
  protected readonly columnDefs = schedulerColumnDefs();
  protected readonly pagedColumnDefs = schedulerColumnDefs({ paged: true });
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
  private readonly api = signal<GridApi<SchedulerStatusRow> | null>(null);

  constructor() {
    effect(() => {
      if (this.reloadCount() > 0)
        untracked(() => this.api())?.refreshInfiniteCache();
    });
  }

  protected keepApi(event: GridReadyEvent<SchedulerStatusRow>): void {
    this.api.set(event.api);
  }
}
