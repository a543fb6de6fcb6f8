import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';

import { type LoadError, toLoadError } from '@flow/console/ui';
import type { SqlPreviewResponse } from '@flow/contracts';

import { PipelinesApi } from '../data-access/pipelines-api';
import { PipelineDetailState } from '../pipeline-detail/pipeline-detail-state';

/** The SQL tab: the IR compiled to SQL (sql-preview), its bind parameters, output columns and warnings. */
@Component({
  selector: 'flow-sql-tab',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (failureMessage(); as message) {
      <div class="message message--error" role="alert" data-testid="sql-error">
        <strong>Could not compile the preview:</strong> {{ message }}
      </div>
    } @else if (preview(); as preview) {
      @if (preview.warnings.length > 0) {
        <ul class="message message--warning" data-testid="sql-warnings">
          @for (warning of preview.warnings; track $index) {
            <li>{{ warning }}</li>
          }
        </ul>
      }
      <div class="columns">
        <section aria-labelledby="sql-heading">
          <h2 id="sql-heading">SQL</h2>
          <pre data-testid="sql-text">{{ preview.sql }}</pre>
        </section>
        <section aria-labelledby="params-heading">
          <h2 id="params-heading">Parameters</h2>
          @if (parameters().length === 0) {
            <p class="none">None</p>
          } @else {
            <table data-testid="sql-parameters">
              <tbody>
                @for (parameter of parameters(); track parameter.name) {
                  <tr>
                    <th scope="row">{{ parameter.name }}</th>
                    <td>
                      <code>{{ parameter.value }}</code>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          }
          <h2>Columns</h2>
          <table data-testid="sql-columns">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Column</th>
                <th scope="col">Type</th>
              </tr>
            </thead>
            <tbody>
              @for (column of preview.columns; track $index) {
                <tr>
                  <td>{{ column.node }}</td>
                  <td>{{ column.name }}</td>
                  <td>{{ column.type }}</td>
                </tr>
              }
            </tbody>
          </table>
        </section>
      </div>
    } @else {
      <p class="message" role="status">Compiling the preview…</p>
    }
  `,
  styles: `
    /* Contrast: text #18181b 17:1; warning #78350f on #fffbeb 9.5:1; error #7f1d1d on #fef2f2 9.6:1. */
    :host {
      display: block;
      padding-top: 0.5rem;
    }
    .columns {
      display: grid;
      grid-template-columns: minmax(0, 2fr) minmax(0, 1fr);
      gap: 1rem;
    }
    h2 {
      font-size: 1rem;
      margin: 0.5rem 0;
    }
    pre {
      margin: 0;
      padding: 0.75rem;
      background: #f4f4f5;
      border-radius: 6px;
      font-size: 0.8rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
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
      overflow-wrap: anywhere;
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
    ul.message {
      padding-left: 2rem;
    }
    .message--warning {
      background: #fffbeb;
      color: #78350f;
    }
    .message--error {
      background: #fef2f2;
      color: #7f1d1d;
    }
  `,
})
export class SqlTab {
  private readonly api = inject(PipelinesApi);
  private readonly state = inject(PipelineDetailState);

  protected readonly preview = signal<SqlPreviewResponse | null>(null);
  protected readonly loadError = signal<LoadError | null>(null);
  protected readonly failureMessage = computed(() => {
    const error = this.loadError();
    return error?.kind === 'failed'
      ? error.message
      : error
        ? 'your session has expired'
        : null;
  });
  /** `$1 = 'paid'`: the bind parameters in order, as JSON literals. */
  protected readonly parameters = computed(() =>
    (this.preview()?.parameters ?? []).map((value, index) => ({
      name: `$${index + 1}`,
      value: JSON.stringify(value),
    })),
  );

  constructor() {
    effect(() => {
      const pipeline = this.state.pipeline();
      if (!pipeline) return;
      untracked(() =>
        this.api.sqlPreview(pipeline.id).subscribe({
          next: (preview) => this.preview.set(preview),
          error: (error: unknown) => this.loadError.set(toLoadError(error)),
        }),
      );
    });
  }
}
