import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import type { IDatasource } from 'ag-grid-community';
import type { Subscription } from 'rxjs';

import type {
  SchedulerStatusPage,
  SchedulerStatusResponse,
  SchedulerStatusRow,
} from '@flow/contracts';
import { SCHEDULER_STATUS_MAX_LIMIT } from '@flow/contracts';
import {
  formatInstantInZone,
  formatRelativeTime,
  formatUpdatedAgo,
  type LoadError,
  toLoadError,
  VIEWER_TIME_ZONE,
} from '@flow/console/ui';

import { SchedulerStatusService } from '../data-access/scheduler-status.service';
import { SchedulerGridComponent } from '../scheduler-grid/scheduler-grid';
import { statusDatasource } from '../scheduler-grid/status-datasource';
import { countStatuses } from './status-counts';

/** How often the page reloads the status while auto-refresh is on. */
export const AUTO_REFRESH_INTERVAL_MS = 30_000;
const CLOCK_TICK_MS = 1_000;
/**
 * A tenant with more scheduled pipelines than this (the api's largest page) is shown page by page: ag-grid's
 * infinite row model loads blocks of 100 rows as the user scrolls, and the api sorts, filters and counts.
 * At or below it, one request brings every row and the grid sorts and filters in the browser.
 */
export const LARGE_TENANT_THRESHOLD = SCHEDULER_STATUS_MAX_LIMIT;
/** Quick-filter keystrokes wait this long before a large tenant's grid asks the api again. */
const FILTER_DEBOUNCE_MS = 300;
const NO_ROWS: SchedulerStatusRow[] = [];
const NO_WARNINGS: string[] = [];

/** The api's warnings are lower-case clauses ("no scheduler tick for 300 s …"); shown as sentences. */
function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `/data/scheduler`: every scheduled pipeline's health, read-only, refreshed every 30 s. */
@Component({
  selector: 'flow-scheduler-page',
  imports: [SchedulerGridComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './scheduler-page.html',
  styleUrl: './scheduler-page.css',
})
export class SchedulerPage {
  private readonly statusService = inject(SchedulerStatusService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly viewerZone = signal(inject(VIEWER_TIME_ZONE)).asReadonly();
  protected readonly now = signal(Date.now());
  protected readonly response = signal<
    SchedulerStatusResponse | SchedulerStatusPage | null
  >(null);
  /** Set while the tenant is large: the grid loads its rows from the api in pages. */
  protected readonly datasource = signal<IDatasource | null>(null);
  protected readonly paged = computed(() => this.datasource() !== null);
  /** Bumped by each auto-refresh of a large tenant: the grid reloads the blocks it holds. */
  protected readonly reloadCount = signal(0);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly refreshing = signal(false);
  protected readonly autoRefresh = signal(true);
  protected readonly updatedAt = signal<number | null>(null);
  protected readonly filterText = signal('');

  protected readonly rows = computed(
    () => this.response()?.pipelines ?? NO_ROWS,
  );
  /** Problems the api reports (the dead-man switch: no scheduler tick lately), from the latest response. */
  protected readonly warnings = computed(() =>
    (this.response()?.warnings ?? NO_WARNINGS).map(sentenceCase),
  );
  /** When the last scheduler tick ran, relative ("2 min ago"), with the instant for hover; null before any load. */
  protected readonly lastTick = computed(() => {
    const response = this.response();
    if (!response) return null;
    const at = response.lastTickAt ?? null;
    if (at === null)
      return {
        at: null,
        text: 'no scheduler tick yet',
        title: 'No scheduler tick has run yet',
      };
    return {
      at,
      text: formatRelativeTime(at, this.now()),
      title: `Last scheduler tick: ${formatInstantInZone(at, this.viewerZone())}`,
    };
  });
  /** The api's counts (over every row, also when paged); computed from the rows for an api without them. */
  protected readonly counts = computed(() => {
    const response = this.response();
    return response && 'counts' in response && response.counts
      ? response.counts
      : countStatuses(this.rows());
  });
  protected readonly thresholdMinutes = computed(
    () => this.response()?.lagThresholdMinutes ?? 5,
  );
  protected readonly sessionExpired = computed(
    () => this.loadError()?.kind === 'expired',
  );
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    return error?.kind === 'failed' ? error.message : null;
  });
  protected readonly updatedAgo = computed(() => {
    const at = this.updatedAt();
    return at === null ? null : formatUpdatedAgo(at, this.now());
  });
  /** Announced once per refresh (the ticking "N s ago" text is hidden from screen readers). */
  protected readonly updatedAtAnnouncement = computed(() => {
    const at = this.updatedAt();
    return at === null
      ? ''
      : `Updated at ${formatInstantInZone(new Date(at).toISOString(), this.viewerZone())}`;
  });

  private lastAttemptAt = 0;
  private request: Subscription | null = null;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.refreshStatus();
    const clock = setInterval(() => this.tick(), CLOCK_TICK_MS);
    this.destroyRef.onDestroy(() => {
      clearInterval(clock);
      clearTimeout(this.filterTimer);
      this.request?.unsubscribe();
    });
  }

  /**
   * Loads the status now; a request still in flight is superseded. A small tenant's rows all come in one page; a
   * large one's first request only learns the counts, and its grid reloads the blocks it shows.
   */
  protected refreshStatus(): void {
    this.request?.unsubscribe();
    this.lastAttemptAt = Date.now();
    this.refreshing.set(true);
    const wasPaged = this.paged();
    this.request = this.statusService
      .fetchPage({ limit: wasPaged ? 1 : LARGE_TENANT_THRESHOLD })
      .subscribe({
        next: (page) => {
          const large =
            (page.nextCursor ?? null) !== null ||
            (page.counts?.total ?? 0) > LARGE_TENANT_THRESHOLD;
          this.loadError.set(null);
          this.refreshing.set(false);
          if (wasPaged && !large) {
            // The tenant shrank below the threshold: load every row again.
            this.datasource.set(null);
            this.refreshStatus();
            return;
          }
          this.response.set(page);
          this.updatedAt.set(Date.now());
          if (!large) return;
          if (wasPaged) this.reloadCount.update((count) => count + 1);
          else this.datasource.set(this.pagedDatasource());
        },
        error: (error: unknown) => {
          const loadError = toLoadError(error);
          this.loadError.set(loadError);
          this.refreshing.set(false);
          if (loadError.kind === 'expired') {
            // Retrying cannot succeed with the same token: stop polling and drop the data of the old session.
            this.autoRefresh.set(false);
            this.response.set(null);
            this.datasource.set(null);
          }
        },
      });
  }

  protected toggleAutoRefresh(): void {
    this.autoRefresh.update((on) => !on);
  }

  protected updateFilter(event: Event): void {
    this.filterText.set((event.target as HTMLInputElement).value);
    if (!this.paged()) return;
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(
      () => this.datasource.set(this.pagedDatasource()),
      FILTER_DEBOUNCE_MS,
    );
  }

  /** The grid's source of pages, filtered by the current quick-filter text; each page also refreshes the counts. */
  private pagedDatasource(): IDatasource {
    return statusDatasource(this.filterText(), (request, done) => {
      this.statusService.fetchPage(request).subscribe({
        next: (page) => {
          this.response.set(page);
          done(page);
        },
        error: (error: unknown) => {
          this.loadError.set(toLoadError(error));
          done(null);
        },
      });
    });
  }

  private tick(): void {
    const now = Date.now();
    this.now.set(now);
    if (
      this.autoRefresh() &&
      !this.refreshing() &&
      now - this.lastAttemptAt >= AUTO_REFRESH_INTERVAL_MS
    ) {
      this.refreshStatus();
    }
  }
}
