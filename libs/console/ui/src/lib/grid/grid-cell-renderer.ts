import { Directive, signal } from '@angular/core';
import type { ICellRendererAngularComp } from 'ag-grid-angular';
import type { ICellRendererParams } from 'ag-grid-community';

/** Base of ag-grid cell renderers: keeps the row and the grid's context in signals for OnPush templates. */
@Directive()
export abstract class GridCellRenderer<TRow, TContext = unknown>
  implements ICellRendererAngularComp
{
  protected readonly row = signal<TRow | null>(null);
  protected readonly context = signal<TContext | null>(null);

  agInit(params: ICellRendererParams<TRow, unknown, TContext>): void {
    this.row.set(params.data ?? null);
    this.context.set(params.context ?? null);
  }

  /** Row data replaced in place (same row id): update the signals instead of re-creating the cell. */
  refresh(params: ICellRendererParams<TRow, unknown, TContext>): boolean {
    this.agInit(params);
    return true;
  }
}
