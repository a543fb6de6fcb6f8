import { ChangeDetectionStrategy, Component } from '@angular/core';

import { LagCellComponent } from '../lag-cell/lag-cell';
import { RowCellRenderer } from './row-cell-renderer';

/** Grid adapter for LagCellComponent. */
@Component({
  selector: 'flow-lag-cell-renderer',
  imports: [LagCellComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (row(); as row) {
      <flow-lag-cell
        [lagMinutes]="row.lagMinutes"
        [lagLevel]="row.lagLevel"
        [error]="row.error"
        [thresholdMinutes]="context()?.thresholdMinutes() ?? 5"
      />
    }
  `,
})
export class LagCellRenderer extends RowCellRenderer {}
