import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { forkJoin } from 'rxjs';

import {
  formatRelativeTime,
  type LoadError,
  toLoadError,
} from '@flow/console/ui';
import type { PipelineVersionSummary } from '@flow/contracts';

import { PipelinesApi } from '../data-access/pipelines-api';
import { PipelineDetailState } from '../pipeline-detail/pipeline-detail-state';
import { diffLines, type DiffLine } from './line-diff';

const PAGE_SIZE = 50;

/**
 * The Versions tab (DESIGN §13): every IR version, newest first, with who saved it and when; pick two (old, new)
 * and see the difference of their IRs as a line diff of the pretty-printed JSON. The newest two are compared first.
 */
@Component({
  selector: 'flow-versions-tab',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (failureMessage(); as message) {
      <div
        class="message message--error"
        role="alert"
        data-testid="versions-error"
      >
        <strong>Could not load the versions:</strong> {{ message }}
      </div>
    } @else if (versions() === null) {
      <p class="message" role="status">Loading versions…</p>
    } @else {
      <div class="columns">
        <table data-testid="versions-list">
          <caption>
            Versions, newest first — compare
          </caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">Old</th>
              <th scope="col">New</th>
            </tr>
          </thead>
          <tbody>
            @for (version of versions(); track version.version) {
              <tr [attr.data-version]="version.version">
                <th scope="row">v{{ version.version }}</th>
                <td [attr.title]="version.createdAt">
                  {{ relative(version.createdAt) }}
                </td>
                <td>{{ version.createdBy ?? '—' }}</td>
                <td>
                  <input
                    type="radio"
                    name="diff-old"
                    [attr.aria-label]="
                      'Compare from version ' + version.version
                    "
                    [checked]="older() === version.version"
                    (change)="compare(version.version, newer())"
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="diff-new"
                    [attr.aria-label]="'Compare to version ' + version.version"
                    [checked]="newer() === version.version"
                    (change)="compare(older(), version.version)"
                  />
                </td>
              </tr>
            }
          </tbody>
        </table>
        <section aria-labelledby="diff-heading" data-testid="versions-diff">
          @if (older() !== null && newer() !== null) {
            <h2 id="diff-heading">v{{ older() }} → v{{ newer() }}</h2>
            @if (diff(); as lines) {
              @if (changedLines() === 0) {
                <p class="none">The two IRs are the same.</p>
              }
              <div class="diff" tabindex="0" aria-label="Difference of the IRs">
                @for (line of lines; track $index) {
                  <div
                    [class]="'line line--' + line.kind"
                    [attr.data-kind]="line.kind"
                  >
                    {{ marker(line) }} {{ line.text }}
                  </div>
                }
              </div>
            } @else if (diffUnavailable()) {
              <p class="none">These IRs are too large to compare here.</p>
            } @else {
              <p class="message" role="status">Loading the two versions…</p>
            }
          } @else {
            <h2 id="diff-heading">Compare</h2>
            <p class="none">
              Only one version so far: every saved change of the IR adds one.
            </p>
          }
        </section>
      </div>
    }
  `,
  styles: `
    /* Contrast: text #18181b 17:1; removed #7f1d1d on #fef2f2 9.6:1; added #14532d on #f0fdf4 9.9:1. */
    :host {
      display: block;
      padding-top: 0.5rem;
    }
    .columns {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 2fr);
      gap: 1rem;
      align-items: start;
    }
    caption {
      text-align: left;
      font-weight: 600;
      padding-bottom: 0.25rem;
    }
    table {
      border-collapse: collapse;
      font-size: 0.85rem;
      width: 100%;
    }
    th,
    td {
      text-align: left;
      padding: 0.2rem 0.5rem;
      border-bottom: 1px solid #e4e4e7;
    }
    h2 {
      font-size: 1rem;
      margin: 0 0 0.5rem;
    }
    .diff {
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      margin: 0;
      padding: 0.5rem 0;
      background: #fafafa;
      border: 1px solid #e4e4e7;
      border-radius: 6px;
      font-size: 0.8rem;
      max-height: 60vh;
      overflow: auto;
    }
    .line {
      padding: 0 0.75rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .line--removed {
      background: #fef2f2;
      color: #7f1d1d;
    }
    .line--added {
      background: #f0fdf4;
      color: #14532d;
    }
    .none {
      color: #52525b;
    }
    .message {
      margin: 0 0 0.5rem;
      padding: 0.75rem 1rem;
      border-radius: 6px;
      background: #f4f4f5;
    }
    .message--error {
      background: #fef2f2;
      color: #7f1d1d;
    }
  `,
})
export class VersionsTab {
  private readonly api = inject(PipelinesApi);
  private readonly state = inject(PipelineDetailState);

  protected readonly versions = signal<PipelineVersionSummary[] | null>(null);
  protected readonly older = signal<number | null>(null);
  protected readonly newer = signal<number | null>(null);
  protected readonly diff = signal<DiffLine[] | null>(null);
  protected readonly diffUnavailable = signal(false);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    return error?.kind === 'failed'
      ? error.message
      : error
        ? 'your session has expired'
        : null;
  });
  protected readonly changedLines = computed(
    () => this.diff()?.filter((line) => line.kind !== 'same').length ?? 0,
  );

  constructor() {
    // Reloads when the pipeline changes (a save on the canvas adds a version).
    effect(() => {
      const pipeline = this.state.pipeline();
      if (!pipeline) return;
      untracked(() => this.load(pipeline.id));
    });
  }

  protected relative(iso: string): string {
    return formatRelativeTime(iso, Date.now());
  }

  protected marker(line: DiffLine): string {
    return line.kind === 'added' ? '+' : line.kind === 'removed' ? '-' : ' ';
  }

  protected compare(older: number | null, newer: number | null): void {
    const pipeline = this.state.pipeline();
    if (!pipeline || older === null || newer === null) return;
    this.older.set(older);
    this.newer.set(newer);
    this.diff.set(null);
    this.diffUnavailable.set(false);
    forkJoin([
      this.api.version(pipeline.id, older),
      this.api.version(pipeline.id, newer),
    ]).subscribe({
      next: ([a, b]) => {
        const lines = diffLines(
          JSON.stringify(a.ir, null, 2),
          JSON.stringify(b.ir, null, 2),
        );
        this.diffUnavailable.set(lines === null);
        this.diff.set(lines);
      },
      error: (error: unknown) => this.loadError.set(toLoadError(error)),
    });
  }

  private load(id: string): void {
    this.api.versions(id, { limit: PAGE_SIZE }).subscribe({
      next: (page) => {
        this.versions.set(page.items);
        if (page.items.length >= 2)
          this.compare(page.items[1].version, page.items[0].version);
      },
      error: (error: unknown) => this.loadError.set(toLoadError(error)),
    });
  }
}
