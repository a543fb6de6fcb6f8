import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  CellStyleModule,
  ClientSideRowModelModule,
  type ColDef,
  type GetRowIdParams,
  type GridApi,
  type GridReadyEvent,
  ModuleRegistry,
  type RowClassRules,
  type RowClickedEvent,
  RowApiModule,
  RowAutoHeightModule,
  RowStyleModule,
} from 'ag-grid-community';
import type { Subscription } from 'rxjs';

import {
  consoleGridTheme,
  injectStyleNonce,
  type LoadError,
  toLoadError,
  VIEWER_TIME_ZONE,
} from '@flow/console/ui';
import type { RunResponse } from '@flow/contracts';

import { PipelinesApi } from '../data-access/pipelines-api';
import { PipelineDetailState } from '../pipeline-detail/pipeline-detail-state';
import { runsColumnDefs, type RunsGridContext } from './runs-columns';

// The error column wraps (auto height); the selected run's row has a class (row styles) and is redrawn when the
// selection changes (row api); right-aligned columns are cell styles.
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  RowAutoHeightModule,
  RowStyleModule,
  CellStyleModule,
  RowApiModule,
]);

const RUNS_PAGE_SIZE = 50;

/** The Runs tab: the pipeline's run history, newest first; a row click selects the run the drawer shows. */
@Component({
  selector: 'flow-runs-tab',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (failureMessage(); as message) {
      <div class="message message--error" role="alert" data-testid="runs-error">
        <strong>Could not load the runs:</strong> {{ message }}
      </div>
    }
    @if (!loaded()) {
      <p class="message" role="status">Loading runs…</p>
    } @else if (runs().length === 0) {
      <p class="message" data-testid="runs-empty">
        This pipeline has not run yet.
      </p>
    } @else {
      <p class="hint">
        Select a run to see its per-node figures in the metrics drawer.
      </p>
      <ag-grid-angular
        class="grid"
        data-testid="runs-grid"
        [theme]="theme"
        [styleNonce]="styleNonce"
        [rowData]="runs()"
        [columnDefs]="columnDefs"
        [defaultColDef]="defaultColDef"
        [getRowId]="getRowId"
        [context]="context"
        [rowClassRules]="rowClassRules"
        [rowHeight]="40"
        [suppressColumnVirtualisation]="true"
        [ensureDomOrder]="true"
        (gridReady)="gridReady($event)"
        (rowClicked)="selectRun($event)"
      />
      @if (nextCursor()) {
        <button
          type="button"
          class="button"
          data-testid="runs-load-more"
          (click)="loadMore()"
        >
          Load older runs
        </button>
      }
    }
  `,
  styles: `
    /* Contrast: selected row #1e3a8a on #dbeafe 8.5:1; hint #52525b 7.7:1; replay #6d28d9 on #fff 7.1:1. */
    :host {
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
      flex: 1;
      padding-top: 0.5rem;
    }
    .grid {
      display: block;
      flex: 1;
      min-height: 280px;
    }
    .hint {
      margin: 0;
      color: #52525b;
    }
    .message {
      margin: 0;
      padding: 0.75rem 1rem;
      border-radius: 6px;
      background: #f4f4f5;
    }
    .message--error {
      background: #fef2f2;
      color: #7f1d1d;
    }
    .button {
      align-self: flex-start;
      font: inherit;
      padding: 0.35rem 0.8rem;
      border-radius: 6px;
      border: 1px solid #1d4ed8;
      background: #fff;
      color: #1d4ed8;
      cursor: pointer;
    }
    :host ::ng-deep .wrap-cell {
      line-height: 1.45;
      padding-top: 0.6rem;
      padding-bottom: 0.6rem;
    }
    :host ::ng-deep .trigger-replay {
      font-weight: 600;
      color: #6d28d9;
    }
    :host ::ng-deep .run-selected {
      --ag-background-color: #dbeafe;
      background: #dbeafe;
    }
  `,
})
export class RunsTab {
  private readonly api = inject(PipelinesApi);
  private readonly state = inject(PipelineDetailState);

  protected readonly runs = signal<RunResponse[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    return error?.kind === 'failed'
      ? error.message
      : error
        ? 'your session has expired'
        : null;
  });

  protected readonly theme = consoleGridTheme;
  protected readonly styleNonce = injectStyleNonce();
  protected readonly columnDefs = runsColumnDefs();
  protected readonly defaultColDef: ColDef<RunResponse> = {
    sortable: true,
    suppressMovable: true,
  };
  protected readonly getRowId = (params: GetRowIdParams<RunResponse>) =>
    params.data.id;
  protected readonly context: RunsGridContext = {
    now: signal(Date.now()).asReadonly(),
    viewerZone: signal(inject(VIEWER_TIME_ZONE)).asReadonly(),
  };
  protected readonly rowClassRules: RowClassRules<RunResponse> = {
    'run-selected': (params) => params.data?.id === this.state.selectedRunId(),
  };

  private gridApi: GridApi<RunResponse> | null = null;
  private request: Subscription | null = null;

  constructor() {
    effect(() => {
      const pipeline = this.state.pipeline();
      if (pipeline) untracked(() => this.load(pipeline.id, null));
    });
    // The selected run's row is highlighted; redraw when the selection (the URL) changes.
    effect(() => {
      this.state.selectedRunId();
      untracked(() => this.gridApi?.redrawRows());
    });
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
  }

  protected gridReady(event: GridReadyEvent<RunResponse>): void {
    this.gridApi = event.api;
  }

  protected selectRun(event: RowClickedEvent<RunResponse>): void {
    if (event.data) this.state.selectRun(event.data.id);
  }

  protected loadMore(): void {
    const pipeline = this.state.pipeline();
    const cursor = this.nextCursor();
    if (pipeline && cursor) this.load(pipeline.id, cursor);
  }

  private load(pipelineId: string, cursor: string | null): void {
    this.request?.unsubscribe();
    this.request = this.api
      .runs(pipelineId, { limit: RUNS_PAGE_SIZE, cursor })
      .subscribe({
        next: (page) => {
          this.runs.update((runs) =>
            cursor ? [...runs, ...page.items] : page.items,
          );
          this.nextCursor.set(page.nextCursor);
          this.loaded.set(true);
          this.loadError.set(null);
        },
        error: (error: unknown) => {
          this.loadError.set(toLoadError(error));
          this.loaded.set(true);
        },
      });
  }
}
