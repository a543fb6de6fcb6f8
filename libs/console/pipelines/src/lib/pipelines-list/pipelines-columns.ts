import type { Signal } from '@angular/core';
import type { ColDef } from 'ag-grid-community';

import type { PipelineSummary } from '@flow/contracts';

import {
  LastRunCell,
  PausedCell,
  PipelineLinkCell,
  TriggerCell,
  UpdatedCell,
} from './pipelines-cells';

/** Shared with the cells through ag-grid's `context`. */
export interface PipelinesGridContext {
  now: Signal<number>;
  viewerZone: Signal<string>;
}

/** What starts a pipeline: its schedule's kind, or `manual` when it has none (file and stream triggers come later). */
export function triggerKind(row: PipelineSummary): string {
  return row.schedule ?? 'manual';
}

const timeOf = (iso: string | null | undefined): number | null =>
  iso ? Date.parse(iso) : null;

/** Columns of the pipelines list; every column sorts the loaded rows, none edits. */
export function pipelinesColumnDefs(): ColDef<PipelineSummary>[] {
  return [
    {
      colId: 'name',
      headerName: 'Pipeline',
      valueGetter: (p) => p.data?.name ?? null,
      cellRenderer: PipelineLinkCell,
      flex: 2,
      minWidth: 220,
    },
    {
      colId: 'trigger',
      headerName: 'Trigger',
      valueGetter: (p) => (p.data ? triggerKind(p.data) : null),
      cellRenderer: TriggerCell,
      width: 130,
    },
    {
      colId: 'lastRun',
      headerName: 'Last run',
      valueGetter: (p) => timeOf(p.data?.lastRunAt),
      cellRenderer: LastRunCell,
      width: 230,
    },
    {
      colId: 'paused',
      headerName: 'Paused',
      valueGetter: (p) => p.data?.paused ?? null,
      cellRenderer: PausedCell,
      width: 120,
    },
    {
      colId: 'updated',
      headerName: 'Updated',
      valueGetter: (p) => timeOf(p.data?.updatedAt),
      cellRenderer: UpdatedCell,
      width: 190,
    },
  ];
}
