import { ChangeDetectionStrategy, Component } from '@angular/core';

import { StatusPillComponent } from '@flow/console/ui';

import { RowCellRenderer } from './row-cell-renderer';

/** Pipeline name, with a "paused" pill for paused pipelines. */
@Component({
  selector: 'flow-pipeline-name-cell',
  imports: [StatusPillComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (row(); as row) {
      <span class="name" data-testid="pipeline-name" [attr.title]="row.name">{{
        row.name
      }}</span>
      @if (row.paused) {
        <flow-status-pill status="paused" />
      }
    }
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 0.5em;
      min-width: 0;
      height: 100%;
    }
    .name {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
    }
  `,
})
export class PipelineNameCell extends RowCellRenderer {}
