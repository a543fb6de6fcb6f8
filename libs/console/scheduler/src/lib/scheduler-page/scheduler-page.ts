import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import type { Subscription } from 'rxjs';

import type {
  SchedulerStatusResponse,
  SchedulerStatusRow,
} from '@flow/contracts';
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
import { countStatuses } from './status-counts';

/** How often the page reloads the status while auto-refresh is on. */
export const AUTO_REFRESH_INTERVAL_MS = 30_000;
const CLOCK_TICK_MS = 1_000;
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
  protected readonly response = signal<SchedulerStatusResponse | null>(null);
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
  protected readonly counts = computed(() => countStatuses(this.rows()));
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

  constructor() {
    this.refreshStatus();
    const clock = setInterval(() => this.tick(), CLOCK_TICK_MS);
    this.destroyRef.onDestroy(() => {
      clearInterval(clock);
      this.request?.unsubscribe();
    });
  }

  /** Loads the status now; a request still in flight is superseded. */
  protected refreshStatus(): void {
    this.request?.unsubscribe();
    this.lastAttemptAt = Date.now();
    this.refreshing.set(true);
    this.request = this.statusService.fetchStatus().subscribe({
      next: (response) => {
        this.response.set(response);
        this.loadError.set(null);
        this.updatedAt.set(Date.now());
        this.refreshing.set(false);
      },
      error: (error: unknown) => {
        const loadError = toLoadError(error);
        this.loadError.set(loadError);
        this.refreshing.set(false);
        if (loadError.kind === 'expired') {
          // Retrying cannot succeed with the same token: stop polling and drop the data of the old session.
          this.autoRefresh.set(false);
          this.response.set(null);
        }
      },
    });
  }

  protected toggleAutoRefresh(): void {
    this.autoRefresh.update((on) => !on);
  }

  protected updateFilter(event: Event): void {
    this.filterText.set((event.target as HTMLInputElement).value);
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
