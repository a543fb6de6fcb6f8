import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
} from '@angular/core';

import {
  formatDateTime,
  formatInstantInZone,
} from '../format/format-fire-time';
import { formatRelativeTime } from '../format/format-relative-time';

/**
 * An instant as `<time>`: "3 min ago" (`relative`) or "16 Mar 09:00" / "16 Mar 2025 09:00" (`date`: the year shows
 * unless it is the current one); the full instant with its zone on hover and for screen readers.
 */
@Component({
  selector: 'flow-time',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (at(); as at) {
      <time [attr.datetime]="at" [attr.title]="full()">{{ text() }}</time>
    } @else {
      <span class="none">{{ emptyText() }}</span>
    }`,
  styles: `
    /* .none #52525b on white 7.7:1 */
    :host {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .none {
      color: #52525b;
    }
  `,
})
export class TimeComponent {
  /** ISO instant; null shows `emptyText`. */
  readonly at = input.required<string | null>();
  readonly zone = input.required<string>();
  /** Current time (ms): decides "ago" and whether the year is shown. */
  readonly now = input.required<number>();
  readonly mode = input<'relative' | 'date'>('date');
  readonly emptyText = input('—');

  protected readonly text = computed(() => {
    const at = this.at();
    if (!at) return '';
    return this.mode() === 'relative'
      ? formatRelativeTime(at, this.now())
      : formatDateTime(at, this.zone(), this.now());
  });
  protected readonly full = computed(() => {
    const at = this.at();
    return at ? formatInstantInZone(at, this.zone()) : null;
  });
}
