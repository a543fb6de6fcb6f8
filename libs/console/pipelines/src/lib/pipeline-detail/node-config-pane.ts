import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  output,
} from '@angular/core';

import type { IrNode } from '@flow/contracts';

import { configFields } from './node-config';

/** The right pane: the selected node's configuration, read-only (editing is DESIGN §13). */
@Component({
  selector: 'flow-node-config-pane',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (node(); as node) {
      <header>
        <span class="kind">{{ node.type }}</span>
        <h2 data-testid="config-node-id">{{ node.id }}</h2>
      </header>
      <dl data-testid="node-config">
        @for (field of fields(); track field.name) {
          <dt>{{ field.name }}</dt>
          @if (field.block) {
            <dd>
              <pre>{{ field.value }}</pre>
            </dd>
          } @else {
            <dd class="inline">{{ field.value }}</dd>
          }
        }
      </dl>
      <button
        type="button"
        class="button"
        data-testid="open-metrics"
        (click)="openMetrics.emit(node.id)"
      >
        Metrics of {{ node.id }}
      </button>
    } @else {
      <p class="hint" data-testid="no-node-selected">
        Select a node on the canvas (click, or Tab then arrow keys and Space) to
        see its configuration. Enter or double-click opens its metrics.
      </p>
    }
  `,
  styles: `
    /* Contrast: text #18181b 17:1, labels #52525b 7.7:1 on white; button white on #1d4ed8 6.7:1. */
    :host {
      display: block;
      padding: 0.75rem 1rem;
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 0.5rem;
    }
    h2 {
      margin: 0;
      font-size: 1.1rem;
      overflow-wrap: anywhere;
    }
    .kind {
      font-size: 0.7rem;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: #52525b;
    }
    dl {
      margin: 0.75rem 0;
    }
    dt {
      font-size: 0.8rem;
      color: #52525b;
      margin-top: 0.5rem;
    }
    dd {
      margin: 0.1rem 0 0;
      overflow-wrap: anywhere;
    }
    pre {
      margin: 0;
      font-size: 0.8rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      background: #f4f4f5;
      border-radius: 4px;
      padding: 0.4rem;
    }
    .hint {
      margin: 0;
      color: #52525b;
    }
    .button {
      font: inherit;
      padding: 0.35rem 0.8rem;
      border-radius: 6px;
      border: 1px solid #1d4ed8;
      background: #1d4ed8;
      color: #fff;
      cursor: pointer;
    }
    .button:focus-visible {
      outline: 3px solid #93c5fd;
      outline-offset: 2px;
    }
  `,
})
export class NodeConfigPane {
  readonly node = input.required<IrNode | null>();
  readonly openMetrics = output<string>();

  protected readonly fields = computed(() => {
    const node = this.node();
    return node ? configFields(node) : [];
  });
}
