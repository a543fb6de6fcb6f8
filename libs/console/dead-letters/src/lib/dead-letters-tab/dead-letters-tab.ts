import { JsonPipe } from '@angular/common';
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
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { AgGridAngular } from 'ag-grid-angular';
import {
  CellStyleModule,
  ClientSideRowModelModule,
  type ColDef,
  type GetRowIdParams,
  type GridApi,
  type GridReadyEvent,
  ModuleRegistry,
  type RowClickedEvent,
  RowAutoHeightModule,
  RowSelectionModule,
  type RowSelectionOptions,
  RowStyleModule,
  type SelectionChangedEvent,
} from 'ag-grid-community';
import { map, type Subscription, switchMap, takeWhile, timer } from 'rxjs';

import {
  consoleGridTheme,
  type LoadError,
  toLoadError,
  VIEWER_TIME_ZONE,
} from '@flow/console/ui';
import { CAN_WRITE } from '@flow/console/ui/session';
import type {
  DeadLetter,
  DeadLetterListResponse,
  DeadLetterStatus,
  RunStatus,
} from '@flow/contracts';

import { DeadLettersApi } from '../data-access/dead-letters-api';
import {
  formatRowKey,
  replayProgress,
  replayRefusal,
  type ReplayOutcome,
} from './dead-letter-format';
import {
  deadLettersColumnDefs,
  type DeadLettersGridContext,
} from './dead-letters-columns';

// The reason wraps (auto height); open letters are selectable with checkboxes (row selection); the selected
// letter's row has a class (row styles); right-aligned columns are cell styles.
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  RowAutoHeightModule,
  RowSelectionModule,
  RowStyleModule,
  CellStyleModule,
]);

const PAGE_SIZE = 50;
/** How often a queued or running replay is asked about, and for how long at most (then the user refreshes). */
const REPLAY_POLL_MS = 1_500;
const REPLAY_POLL_MAX = 400;
const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'skipped'];

type StatusFilter = DeadLetterStatus | 'all';

/**
 * The Dead letters tab: the pipeline's rejected rows (DESIGN §14), newest first, filtered by status, a keyset page
 * at a time; a replay of every open letter or of the selected ones, followed until its run finishes.
 */
@Component({
  selector: 'flow-dead-letters-tab',
  imports: [AgGridAngular, JsonPipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dead-letters-tab.html',
  styleUrl: './dead-letters-tab.css',
})
export class DeadLettersTab {
  private readonly api = inject(DeadLettersApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  /** Viewers see the letters; editors and admins also replay them (the api answers 403 to a viewer anyway). */
  protected readonly canWrite = inject(CAN_WRITE);

  /** The pipeline's id, from the parent route (`/data/pipelines/:id/dead-letters`). */
  protected readonly pipelineId = toSignal(
    (this.route.parent ?? this.route).paramMap.pipe(
      map((params) => params.get('id')),
    ),
    { initialValue: null },
  );

  protected readonly statusFilter = signal<StatusFilter>('open');
  protected readonly letters = signal<DeadLetter[]>([]);
  protected readonly counts = signal<DeadLetterListResponse['counts'] | null>(
    null,
  );
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

  protected readonly selectedIds = signal<string[]>([]);
  protected readonly focused = signal<DeadLetter | null>(null);
  protected readonly replay = signal<ReplayOutcome | null>(null);
  protected readonly replayBusy = computed(() => {
    const kind = this.replay()?.kind;
    return kind === 'queued' || kind === 'running';
  });
  protected readonly requesting = signal(false);

  protected readonly filters: readonly {
    value: StatusFilter;
    label: string;
  }[] = [
    { value: 'open', label: 'Open' },
    { value: 'replayed', label: 'Replayed' },
    { value: 'all', label: 'All' },
  ];

  protected readonly theme = consoleGridTheme;
  protected readonly columnDefs = deadLettersColumnDefs();
  protected readonly defaultColDef: ColDef<DeadLetter> = {
    sortable: true,
    suppressMovable: true,
  };
  protected readonly rowSelection: RowSelectionOptions<DeadLetter> = {
    mode: 'multiRow',
    checkboxes: true,
    headerCheckbox: true,
    enableClickSelection: false,
    // Only open letters can be replayed.
    isRowSelectable: (node) => node.data?.status === 'open',
  };
  protected readonly getRowId = (params: GetRowIdParams<DeadLetter>) =>
    params.data.id;
  protected readonly context: DeadLettersGridContext = {
    now: signal(Date.now()).asReadonly(),
    viewerZone: signal(inject(VIEWER_TIME_ZONE)).asReadonly(),
    runLink: (runId) => this.runLink(runId),
  };
  protected readonly rowClassRules = {
    'letter-focused': (params: { data?: DeadLetter }) =>
      params.data?.id === this.focused()?.id,
  };
  protected readonly formatRowKey = formatRowKey;

  private gridApi: GridApi<DeadLetter> | null = null;
  private request: Subscription | null = null;
  private replayRequest: Subscription | null = null;

  constructor() {
    effect(() => {
      const id = this.pipelineId();
      const status = this.statusFilter();
      if (id) untracked(() => this.load(id, status, null));
    });
    inject(DestroyRef).onDestroy(() => {
      this.request?.unsubscribe();
      this.replayRequest?.unsubscribe();
    });
  }

  protected runLink(runId: string) {
    return this.router.createUrlTree(['../runs'], {
      relativeTo: this.route,
      queryParams: { run: runId },
    });
  }

  protected filterBy(status: StatusFilter): void {
    this.statusFilter.set(status);
  }

  protected gridReady(event: GridReadyEvent<DeadLetter>): void {
    this.gridApi = event.api;
  }

  protected selectionChanged(event: SelectionChangedEvent<DeadLetter>): void {
    this.selectedIds.set(event.api.getSelectedRows().map((row) => row.id));
  }

  protected focusLetter(event: RowClickedEvent<DeadLetter>): void {
    const letter = event.data ?? null;
    this.focused.set(this.focused()?.id === letter?.id ? null : letter);
    this.gridApi?.redrawRows();
  }

  protected loadMore(): void {
    const id = this.pipelineId();
    const cursor = this.nextCursor();
    if (id && cursor) this.load(id, this.statusFilter(), cursor);
  }

  protected refresh(): void {
    const id = this.pipelineId();
    if (id) this.load(id, this.statusFilter(), null);
  }

  /** Replays the selected open letters, or every open one (`all`). */
  protected replayLetters(which: 'all' | 'selected'): void {
    const id = this.pipelineId();
    if (!id || !this.canWrite() || this.requesting() || this.replayBusy())
      return;
    const ids = which === 'selected' ? this.selectedIds() : null;
    if (ids && ids.length === 0) return;
    this.requesting.set(true);
    this.replay.set(null);
    this.replayRequest?.unsubscribe();
    this.replayRequest = this.api.replay(id, ids).subscribe({
      next: (run) => {
        this.requesting.set(false);
        this.replay.set(replayProgress(run.id, run.status, run, null));
        this.follow(id, run.id);
      },
      error: (error: unknown) => {
        this.requesting.set(false);
        this.replay.set(replayRefusal(error));
        this.refresh();
      },
    });
  }

  protected dismissReplay(): void {
    if (!this.replayBusy()) this.replay.set(null);
  }

  /** Polls the replay's run until it finishes (bounded), then reloads the letters and says what happened. */
  private follow(pipelineId: string, runId: string): void {
    this.replayRequest = timer(REPLAY_POLL_MS, REPLAY_POLL_MS)
      .pipe(
        takeWhile((tick) => tick < REPLAY_POLL_MAX),
        switchMap(() => this.api.run(pipelineId, runId)),
        takeWhile((run) => !FINISHED.includes(run.status), true),
      )
      .subscribe({
        next: (run) => {
          if (!FINISHED.includes(run.status)) {
            this.replay.set(replayProgress(run.id, run.status, run, null));
            return;
          }
          this.replay.set(replayProgress(run.id, run.status, run, null));
          this.load(pipelineId, this.statusFilter(), null, (counts) =>
            this.replay.set(
              replayProgress(run.id, run.status, run, counts.open),
            ),
          );
        },
        error: (error: unknown) => {
          const failure = toLoadError(error);
          this.replay.set({
            kind: 'error',
            tone: 'error',
            title: 'Lost track of the replay',
            details: [
              failure.kind === 'failed'
                ? failure.message
                : 'your session has expired',
            ],
            runId,
          });
        },
      });
  }

  private load(
    pipelineId: string,
    status: StatusFilter,
    cursor: string | null,
    then?: (counts: DeadLetterListResponse['counts']) => void,
  ): void {
    this.request?.unsubscribe();
    this.request = this.api
      .list(pipelineId, {
        limit: PAGE_SIZE,
        status: status === 'all' ? null : status,
        cursor,
      })
      .subscribe({
        next: (page) => {
          this.letters.update((letters) =>
            cursor ? [...letters, ...page.items] : page.items,
          );
          if (!cursor) {
            this.selectedIds.set([]);
            const focused = this.focused();
            this.focused.set(
              focused
                ? (page.items.find((letter) => letter.id === focused.id) ??
                    null)
                : null,
            );
          }
          this.counts.set(page.counts);
          this.nextCursor.set(page.nextCursor);
          this.loaded.set(true);
          this.loadError.set(null);
          then?.(page.counts);
        },
        error: (error: unknown) => {
          this.loadError.set(toLoadError(error));
          this.loaded.set(true);
        },
      });
  }
}
