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
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { AgGridAngular } from 'ag-grid-angular';
import {
  CellStyleModule,
  ClientSideRowModelModule,
  type ColDef,
  type GetRowIdParams,
  type GridApi,
  type GridReadyEvent,
  ModuleRegistry,
  QuickFilterModule,
  type RowClassRules,
  type RowClickedEvent,
  RowApiModule,
  RowStyleModule,
  ScrollApiModule,
} from 'ag-grid-community';
import { forkJoin, map } from 'rxjs';

import {
  DagCanvasComponent,
  type GraphHighlight,
  pathThrough,
} from '@flow/console/canvas';
import {
  consoleGridTheme,
  injectStyleNonce,
  type LoadError,
  toLoadError,
  VIEWER_TIME_ZONE,
} from '@flow/console/ui';
import type { LineageResponse } from '@flow/contracts';

import { LineageApi } from '../data-access/lineage-api';
import { lineageColumnDefs, type LineageGridContext } from './lineage-columns';
import {
  lineageGraph,
  lineageRows,
  type LineageRow,
  tableNodeId,
} from './lineage-graph';

// Selected, on-path and dimmed rows have classes (row styles); the
// selected row is found and scrolled into view (row and scroll apis); right-aligned columns are cell styles.
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  QuickFilterModule,
  RowStyleModule,
  CellStyleModule,
  RowApiModule,
  ScrollApiModule,
]);

const TABLE_PREFIX = 'table:';

/**
 * `/data/lineage`: the tenant's tables (ag-grid) beside the DAG of tables and pipelines. Selecting a table (a row,
 * or its node on the graph; `?table=` in the URL) highlights every table and pipeline upstream and downstream of
 * it and dims the rest.
 */
@Component({
  selector: 'flow-lineage-page',
  imports: [AgGridAngular, DagCanvasComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './lineage-page.html',
  styleUrl: './lineage-page.css',
})
export class LineagePage {
  private readonly api = inject(LineageApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly selectedTable = toSignal(
    this.route.queryParamMap.pipe(map((params) => params.get('table'))),
    { initialValue: null },
  );
  protected readonly lineage = signal<LineageResponse | null>(null);
  protected readonly names = signal<Map<string, string>>(new Map());
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly filterText = signal('');

  private readonly pipelineName = (id: string) => this.names().get(id) ?? id;
  protected readonly rows = computed<LineageRow[]>(() => {
    const lineage = this.lineage();
    return lineage ? lineageRows(lineage, this.pipelineName) : [];
  });
  protected readonly graph = computed(() => {
    const lineage = this.lineage();
    return lineage ? lineageGraph(lineage, this.pipelineName) : null;
  });
  /** The selected graph node: a table (from the URL) or a pipeline clicked on the graph. */
  protected readonly selectedNode = signal<string | null>(null);
  protected readonly highlight = computed<GraphHighlight | null>(() => {
    const graph = this.graph();
    const selected = this.selectedNode();
    return graph && selected ? pathThrough(graph, selected) : null;
  });
  protected readonly highlightedTables = computed(() =>
    [...(this.highlight()?.nodes ?? [])]
      .filter((id) => id.startsWith(TABLE_PREFIX))
      .map((id) => id.slice(TABLE_PREFIX.length))
      .sort(),
  );
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    return error?.kind === 'failed'
      ? error.message
      : error
        ? 'Your session has expired: open the console again from the link `npm start` prints'
        : null;
  });

  protected readonly theme = consoleGridTheme;
  protected readonly styleNonce = injectStyleNonce();
  protected readonly columnDefs = lineageColumnDefs();
  protected readonly defaultColDef: ColDef<LineageRow> = {
    sortable: true,
    suppressMovable: true,
  };
  protected readonly getRowId = (params: GetRowIdParams<LineageRow>) =>
    params.data.table;
  protected readonly context: LineageGridContext = {
    now: signal(Date.now()).asReadonly(),
    viewerZone: signal(inject(VIEWER_TIME_ZONE)).asReadonly(),
  };
  protected readonly rowClassRules: RowClassRules<LineageRow> = {
    'row-selected': (params) => params.data?.table === this.selectedTable(),
    'row-on-path': (params) =>
      !!params.data &&
      params.data.table !== this.selectedTable() &&
      (this.highlight()?.nodes.has(tableNodeId(params.data.table)) ?? false),
    'row-dimmed': (params) =>
      !!params.data &&
      this.highlight() !== null &&
      !this.highlight()?.nodes.has(tableNodeId(params.data.table)),
  };

  private gridApi: GridApi<LineageRow> | null = null;

  constructor() {
    const subscription = forkJoin({
      lineage: this.api.lineage(),
      names: this.api.pipelineNames(),
    }).subscribe({
      next: ({ lineage, names }) => {
        this.names.set(names);
        this.lineage.set(lineage);
      },
      error: (error: unknown) => this.loadError.set(toLoadError(error)),
    });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());

    // The URL's table is the selection; a pipeline clicked on the graph is a selection without a row.
    effect(() => {
      const table = this.selectedTable();
      untracked(() => this.selectedNode.set(table ? tableNodeId(table) : null));
    });
    effect(() => {
      this.highlight();
      const table = this.selectedTable();
      untracked(() => {
        this.gridApi?.redrawRows();
        const node = table ? this.gridApi?.getRowNode(table) : null;
        if (node) this.gridApi?.ensureNodeVisible(node, 'middle');
      });
    });
  }

  protected gridReady(event: GridReadyEvent<LineageRow>): void {
    this.gridApi = event.api;
    const table = this.selectedTable();
    const node = table ? event.api.getRowNode(table) : null;
    if (node) event.api.ensureNodeVisible(node, 'middle');
  }

  protected selectRow(event: RowClickedEvent<LineageRow>): void {
    if (event.data) this.selectTable(event.data.table);
  }

  /** A graph node was clicked: a table selects its row; a pipeline highlights its own path. */
  protected selectGraphNode(id: string): void {
    if (id.startsWith(TABLE_PREFIX)) {
      this.selectTable(id.slice(TABLE_PREFIX.length));
    } else {
      this.selectTable(null);
      this.selectedNode.set(id);
    }
  }

  protected clearSelection(): void {
    this.selectTable(null);
    this.selectedNode.set(null);
  }

  protected updateFilter(event: Event): void {
    this.filterText.set((event.target as HTMLInputElement).value);
  }

  private selectTable(table: string | null): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { table },
      queryParamsHandling: 'merge',
    });
  }
}
