import {
  ChangeDetectionStrategy,
  Component,
  computed,
  signal,
} from '@angular/core';
import type { ICellRendererParams } from 'ag-grid-community';

import { GridCellRenderer, TimeComponent } from '@flow/console/ui';

import type { LineageGridContext } from './lineage-columns';
import type { LineageRow } from './lineage-graph';

/** The table's name (the whole name on hover when the column cuts it). */
@Component({
  selector: 'flow-table-name-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    <span class="name" data-testid="lineage-table" [attr.title]="row.table">{{
      row.table
    }}</span>
  }`,
  styles: `
    .name {
      font-weight: 600;
    }
  `,
})
export class TableNameCell extends GridCellRenderer<
  LineageRow,
  LineageGridContext
> {}

/** When a run last wrote the table. */
@Component({
  selector: 'flow-last-written-cell',
  imports: [TimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (context(); as context) {
    <flow-time
      [at]="row()?.lastWrittenAt ?? null"
      [zone]="context.viewerZone()"
      [now]="context.now()"
    />
  }`,
})
export class LastWrittenCell extends GridCellRenderer<
  LineageRow,
  LineageGridContext
> {}

/** Writer or reader pipelines: as many names as fit, every name on hover (one per line). */
@Component({
  selector: 'flow-pipelines-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="names" [attr.title]="allNames()">{{
    names()
  }}</span>`,
  styles: `
    :host {
      display: block;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `,
})
export class PipelinesCell extends GridCellRenderer<
  LineageRow,
  LineageGridContext
> {
  private readonly which = signal<'writers' | 'readers'>('writers');
  protected readonly names = computed(
    () => this.row()?.[this.which()].join(', ') || '—',
  );
  protected readonly allNames = computed(
    () => this.row()?.[this.which()].join('\n') || null,
  );

  override agInit(
    params: ICellRendererParams<LineageRow, unknown, LineageGridContext> & {
      which?: 'writers' | 'readers';
    },
  ): void {
    super.agInit(params);
    if (params.which) this.which.set(params.which);
  }
}
