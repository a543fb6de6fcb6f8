import { ChangeDetectionStrategy, Component, computed } from '@angular/core';

import { RowCellRenderer } from './row-cell-renderer';

/** Human schedule description, wrapped to the column width; on hover the raw expression and its zone. */
@Component({
  selector: 'flow-schedule-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (row(); as row) {
      <span class="kind">{{ row.schedule.type }}</span>
      <span
        class="description"
        data-testid="schedule"
        [attr.title]="rawSchedule()"
        >{{ row.schedule.description }}</span
      >
    }
  `,
  styles: `
    /* .kind: #52525b on #f4f4f5 7.0:1 (WCAG AA). */
    /* The description wraps (the row grows) rather than being cut by the column width. */
    :host {
      display: flex;
      align-items: baseline;
      gap: 0.5em;
      min-width: 0;
      padding: 0.55em 0;
      line-height: 1.5;
      white-space: normal;
    }
    .kind {
      font-size: 0.7rem;
      color: #52525b;
      background: #f4f4f5;
      border-radius: 3px;
      padding: 0 0.3em;
      line-height: 1.5;
    }
    .kind {
      flex: none;
    }
    /* min-width 0 lets the flex item shrink to the column, so long words (zones) wrap instead of being cut. */
    .description {
      min-width: 0;
      overflow-wrap: anywhere;
    }
  `,
})
export class ScheduleCell extends RowCellRenderer {
  protected readonly rawSchedule = computed(() => {
    const schedule = this.row()?.schedule;
    return schedule
      ? `${schedule.description}\n${schedule.type}: ${schedule.text}\nTime zone: ${schedule.timezone}`
      : null;
  });
}
