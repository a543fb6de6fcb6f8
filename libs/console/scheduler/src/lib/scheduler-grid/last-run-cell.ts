import { ChangeDetectionStrategy, Component, computed } from '@angular/core';

import {
  formatInstantInZone,
  formatRelativeTime,
  lastRunPillStatus,
  StatusPillComponent,
} from '@flow/console/ui';

import { RowCellRenderer } from './row-cell-renderer';

/** "3 min ago" (absolute time on hover) and the last run's status pill. */
@Component({
  selector: 'flow-last-run-cell',
  imports: [StatusPillComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (row(); as row) {
      <flow-status-pill [status]="pillStatus()" />
      @if (row.lastRunAt) {
        <time
          data-testid="last-run-at"
          [attr.datetime]="row.lastRunAt"
          [attr.title]="absolute()"
          >{{ relative() }}</time
        >
      }
    }
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 0.5em;
      white-space: nowrap;
      height: 100%;
    }
  `,
})
export class LastRunCell extends RowCellRenderer {
  protected readonly pillStatus = computed(() =>
    lastRunPillStatus(this.row()?.lastRunStatus ?? null),
  );

  protected readonly relative = computed(() => {
    const lastRunAt = this.row()?.lastRunAt;
    const now = this.context()?.now() ?? Date.now();
    return lastRunAt ? formatRelativeTime(lastRunAt, now) : '';
  });

  protected readonly absolute = computed(() => {
    const lastRunAt = this.row()?.lastRunAt;
    const zone = this.context()?.viewerZone() ?? 'UTC';
    return lastRunAt ? formatInstantInZone(lastRunAt, zone) : null;
  });
}
