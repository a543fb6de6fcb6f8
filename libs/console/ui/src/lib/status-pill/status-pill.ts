import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
} from '@angular/core';

import type { RunStatus } from '@flow/contracts';

/** What a pill can show: a run's status, a pipeline that never ran, or a paused pipeline. */
export type PillStatus = RunStatus | 'never' | 'paused';

const LABELS: Record<PillStatus, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  running: 'running',
  queued: 'queued',
  skipped: 'skipped',
  never: 'never run',
  paused: 'paused',
};

/** Glyphs repeat the label's meaning for sighted users; they are hidden from assistive tech. */
const GLYPHS: Record<PillStatus, string> = {
  succeeded: '✓',
  failed: '✕',
  running: '▶',
  queued: '…',
  skipped: '↷',
  never: '○',
  paused: '‖',
};

/** The pill for a run status: text always present, colour only reinforces it. */
@Component({
  selector: 'flow-status-pill',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
    class="pill"
    [class]="modifierClass()"
    data-testid="status-pill"
    [attr.data-status]="status()"
    ><span class="glyph" aria-hidden="true">{{ glyph() }}</span
    >{{ label() }}</span
  >`,
  styles: `
    /* Text/background contrast (WCAG AA needs >= 4.5:1): succeeded #14532d/#dcfce7 8.3:1, failed #7f1d1d/#fee2e2 8.2:1,
       running #1e3a8a/#dbeafe 8.5:1, queued #4c1d95/#ede9fe 9.2:1, skipped #3f3f46/#e4e4e7 8.2:1,
       never #52525b/#f4f4f5 7.0:1, paused #334155/#e2e8f0 8.4:1. */
    :host {
      display: inline-flex;
    }
    .pill {
      display: inline-flex;
      align-items: center;
      gap: 0.25em;
      padding: 0 0.5em;
      border-radius: 999px;
      font-size: 0.75rem;
      font-weight: 600;
      line-height: 1.5;
      white-space: nowrap;
      border: 1px solid transparent;
    }
    .glyph {
      font-size: 0.7rem;
    }
    .pill--succeeded {
      color: #14532d;
      background: #dcfce7;
    }
    .pill--failed {
      color: #7f1d1d;
      background: #fee2e2;
    }
    .pill--running {
      color: #1e3a8a;
      background: #dbeafe;
    }
    .pill--queued {
      color: #4c1d95;
      background: #ede9fe;
    }
    .pill--skipped {
      color: #3f3f46;
      background: #e4e4e7;
    }
    .pill--never {
      color: #52525b;
      background: #f4f4f5;
      border-style: dashed;
      border-color: #a1a1aa;
    }
    .pill--paused {
      color: #334155;
      background: #e2e8f0;
    }
  `,
})
export class StatusPillComponent {
  /** The status to show; `never` for a pipeline with no run yet. */
  readonly status = input.required<PillStatus>();

  protected readonly label = computed(() => LABELS[this.status()]);
  protected readonly glyph = computed(() => GLYPHS[this.status()]);
  protected readonly modifierClass = computed(() => `pill--${this.status()}`);
}

/** The pill status for a row's last run: its status, or `never` when it has not run. */
export function lastRunPillStatus(lastRunStatus: RunStatus | null): PillStatus {
  return lastRunStatus ?? 'never';
}

/** The text a pill shows, for quick-filter matching and sorting. */
export function pillLabel(status: PillStatus): string {
  return LABELS[status];
}
