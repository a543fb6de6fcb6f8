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
  ClientSideRowModelModule,
  type ColDef,
  type GetRowIdParams,
  ModuleRegistry,
  RowApiModule,
} from 'ag-grid-community';
import { map, type Subscription } from 'rxjs';

import {
  consoleGridTheme,
  injectStyleNonce,
  type LoadError,
  toLoadError,
  VIEWER_TIME_ZONE,
} from '@flow/console/ui';
import type { PipelineSummary } from '@flow/contracts';

import { PipelinesApi } from '../data-access/pipelines-api';
import {
  pipelinesColumnDefs,
  type PipelinesGridContext,
} from './pipelines-columns';

// The row api tells when the last loaded row is in view (the next page loads then).
ModuleRegistry.registerModules([ClientSideRowModelModule, RowApiModule]);

/** Rows per keyset page (the api's maximum). */
export const PIPELINES_PAGE_SIZE = 100;
const FILTER_DEBOUNCE_MS = 250;
const CLOCK_TICK_MS = 30_000;

/**
 * `/data/pipelines`: every pipeline of the tenant in an ag-grid, loaded page by page from the keyset api (the next
 * page when the list is scrolled to its end, or on "Load more"). The name filter is in the URL (`?name=`) and
 * is applied by the api, so it finds pipelines on pages not loaded yet.
 */
@Component({
  selector: 'flow-pipelines-list-page',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './pipelines-list-page.html',
  styleUrl: './pipelines-list-page.css',
})
export class PipelinesListPage {
  private readonly api = inject(PipelinesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly nameFilter = toSignal(
    this.route.queryParamMap.pipe(map((params) => params.get('name') ?? '')),
    { initialValue: '' },
  );
  protected readonly rows = signal<PipelineSummary[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loaded = signal(false);
  protected readonly loadingMore = signal(false);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly now = signal(Date.now());
  protected readonly viewerZone = signal(inject(VIEWER_TIME_ZONE)).asReadonly();

  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    if (!error) return null;
    return error.kind === 'expired'
      ? 'Your session has expired: open the console again from the link `npm start` prints'
      : error.message;
  });

  protected readonly theme = consoleGridTheme;
  protected readonly styleNonce = injectStyleNonce();
  protected readonly columnDefs = pipelinesColumnDefs();
  protected readonly defaultColDef: ColDef<PipelineSummary> = {
    sortable: true,
    editable: false,
    suppressMovable: true,
  };
  protected readonly getRowId = (params: GetRowIdParams<PipelineSummary>) =>
    params.data.id;
  protected readonly context: PipelinesGridContext = {
    now: this.now,
    viewerZone: this.viewerZone,
  };

  private request: Subscription | null = null;
  private filterTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    // A new filter (typed, or from the URL) starts over at the first page.
    effect(() => {
      const name = this.nameFilter();
      untracked(() => this.loadPage(name, null));
    });
    const clock = setInterval(() => this.now.set(Date.now()), CLOCK_TICK_MS);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(clock);
      if (this.filterTimer) clearTimeout(this.filterTimer);
      this.request?.unsubscribe();
    });
  }

  protected updateFilter(event: Event): void {
    const value = (event.target as HTMLInputElement).value.trim();
    if (this.filterTimer) clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => {
      void this.router.navigate([], {
        relativeTo: this.route,
        queryParams: { name: value || null },
        queryParamsHandling: 'merge',
        replaceUrl: true,
      });
    }, FILTER_DEBOUNCE_MS);
  }

  protected loadMore(): void {
    const cursor = this.nextCursor();
    if (cursor && !this.loadingMore()) this.loadPage(this.nameFilter(), cursor);
  }

  /** The grid was scrolled: fetch the next page when its end is in view. */
  protected loadMoreAtEnd(event: {
    api: { getLastDisplayedRowIndex(): number };
  }): void {
    if (event.api.getLastDisplayedRowIndex() >= this.rows().length - 5)
      this.loadMore();
  }

  private loadPage(name: string, cursor: string | null): void {
    this.request?.unsubscribe();
    this.loadingMore.set(cursor !== null);
    this.request = this.api
      .listPage({ limit: PIPELINES_PAGE_SIZE, cursor, name })
      .subscribe({
        next: (page) => {
          // An api without the name filter returns every pipeline: the filter is applied here too.
          const needle = name.toLowerCase();
          const items = needle
            ? page.items.filter((item) =>
                item.name.toLowerCase().includes(needle),
              )
            : page.items;
          this.rows.update((rows) => (cursor ? [...rows, ...items] : items));
          this.nextCursor.set(page.nextCursor);
          this.loadError.set(null);
          this.loaded.set(true);
          this.loadingMore.set(false);
        },
        error: (error: unknown) => {
          this.loadError.set(toLoadError(error));
          this.loaded.set(true);
          this.loadingMore.set(false);
        },
      });
  }
}
