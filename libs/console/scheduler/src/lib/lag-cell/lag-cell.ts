import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
} from '@angular/core';

import type { LagLevel } from '@flow/contracts';

import { formatLag } from '../format/format-lag';

/**
 * A pipeline's lag: green when on time, amber (with the word "late") when not, "—" when nothing was expected
 * (no fire yet, or paused). A schedule that cannot be evaluated shows an error pill with the reason.
 */
@Component({
  selector: 'flow-lag-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span
      class="lag"
      data-testid="lag"
      [attr.data-lag-level]="lagLevel()"
      [class]="levelClass()"
      [attr.title]="hint()"
    >
      @if (error(); as message) {
        <span data-testid="lag-error"
          ><span aria-hidden="true">⚠</span> Schedule error</span
        >
        <span class="visually-hidden">: {{ message }}</span>
      } @else {
        {{ text() }}
        @switch (lagLevel()) {
          @case ('amber') {
            <span class="note">late</span>
          }
          @case ('green') {
            <span class="visually-hidden">on time</span>
          }
        }
      }
    </span>
  `,
  styles: `
    /* Contrast: green #14532d on #dcfce7 8.3:1, amber #78350f on #fef3c7 8.2:1, error #7f1d1d on #fee2e2 8.2:1,
       none #52525b on white 7.7:1 (WCAG AA >= 4.5:1). */
    :host {
      display: inline-flex;
    }
    .lag {
      position: relative;
      display: inline-flex;
      align-items: center;
      gap: 0.35em;
      padding: 0 0.5em;
      border-radius: 4px;
      line-height: 1.6;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .lag--green {
      color: #14532d;
      background: #dcfce7;
    }
    .lag--amber {
      color: #78350f;
      background: #fef3c7;
      font-weight: 600;
    }
    .lag--none {
      color: #52525b;
      padding: 0;
    }
    .note {
      font-size: 0.75rem;
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .lag--error {
      color: #7f1d1d;
      background: #fee2e2;
      font-weight: 600;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
})
export class LagCellComponent {
  readonly lagMinutes = input.required<number | null>();
  readonly lagLevel = input.required<LagLevel>();
  /** Why the schedule cannot be evaluated, if it cannot. */
  readonly error = input<string | undefined>(undefined);
  /** Minutes at which a pipeline turns amber; the api sends it with every response. */
  readonly thresholdMinutes = input(5);

  protected readonly text = computed(() =>
    this.lagLevel() === 'none' ? '—' : formatLag(this.lagMinutes()),
  );
  protected readonly levelClass = computed(
    () => `lag lag--${this.error() ? 'error' : this.lagLevel()}`,
  );
  protected readonly hint = computed(() => {
    const error = this.error();
    if (error) {
      return `The schedule cannot be evaluated: ${error}`;
    }
    switch (this.lagLevel()) {
      case 'green':
        return `On time: lag under ${this.thresholdMinutes()} min`;
      case 'amber':
        return `Late: lag of ${this.thresholdMinutes()} min or more`;
      default:
        return 'No fire expected yet, or the pipeline is paused';
    }
  });
}
