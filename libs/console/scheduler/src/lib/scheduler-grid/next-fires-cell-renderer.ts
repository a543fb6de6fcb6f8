import { ChangeDetectionStrategy, Component } from '@angular/core';

import { NextFiresComponent } from '../next-fires/next-fires';
import { RowCellRenderer } from './row-cell-renderer';

/** Grid adapter for NextFiresComponent. */
@Component({
  selector: 'flow-next-fires-cell-renderer',
  imports: [NextFiresComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (row(); as row) {
      @if (context(); as context) {
        <flow-next-fires
          [fires]="row.nextFires"
          [scheduleZone]="row.schedule.timezone"
          [viewerZone]="context.viewerZone()"
          [now]="minuteNow()"
          [paused]="row.paused"
          [error]="row.error"
        />
      }
    }
  `,
})
export class NextFiresCellRenderer extends RowCellRenderer {}
