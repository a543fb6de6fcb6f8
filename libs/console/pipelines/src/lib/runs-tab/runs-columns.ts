import type { Signal } from '@angular/core';
import type { ColDef } from 'ag-grid-community';

import { durationBetween, formatDuration } from '@flow/console/ui';
import type { RunResponse } from '@flow/contracts';

import { RunStatusCell, RunTimeCell } from './runs-cells';

export interface RunsGridContext {
  now: Signal<number>;
  viewerZone: Signal<string>;
}

const timeOf = (iso: string | null | undefined): number | null =>
  iso ? Date.parse(iso) : null;

const count = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : value.toLocaleString('en-GB');

/** Columns of the runs history (DESIGN §11), newest first as the api sends them; sortable, read-only. */
export function runsColumnDefs(): ColDef<RunResponse>[] {
  return [
    {
      colId: 'trigger',
      headerName: 'Trigger',
      valueGetter: (p) => p.data?.trigger ?? null,
      // A replay of dead letters reads only the letters' rows: its figures are not comparable with a full run's.
      cellClassRules: { 'trigger-replay': (p) => p.value === 'replay' },
      width: 110,
    },
    {
      colId: 'scheduledFor',
      headerName: 'Scheduled for',
      valueGetter: (p) => timeOf(p.data?.scheduledFor),
      cellRenderer: RunTimeCell,
      cellRendererParams: { field: 'scheduledFor' },
      width: 170,
    },
    {
      colId: 'status',
      headerName: 'Status',
      valueGetter: (p) => p.data?.status ?? null,
      cellRenderer: RunStatusCell,
      width: 140,
    },
    {
      colId: 'attempt',
      headerName: 'Attempt',
      valueGetter: (p) => p.data?.attempt ?? null,
      width: 100,
      type: 'rightAligned',
    },
    {
      colId: 'startedAt',
      headerName: 'Started',
      valueGetter: (p) => timeOf(p.data?.startedAt),
      cellRenderer: RunTimeCell,
      cellRendererParams: { field: 'startedAt' },
      width: 170,
    },
    {
      colId: 'duration',
      headerName: 'Duration',
      valueGetter: (p) =>
        p.data ? durationBetween(p.data.startedAt, p.data.finishedAt) : null,
      valueFormatter: (p) => formatDuration(p.value as number | null),
      width: 120,
      type: 'rightAligned',
    },
    {
      colId: 'rowsRead',
      headerName: 'Rows read',
      valueGetter: (p) => p.data?.rowsRead ?? null,
      valueFormatter: (p) => count(p.value as number | null),
      width: 120,
      type: 'rightAligned',
    },
    {
      colId: 'rowsWritten',
      headerName: 'Written',
      valueGetter: (p) => p.data?.rowsWritten ?? null,
      valueFormatter: (p) => count(p.value as number | null),
      width: 110,
      type: 'rightAligned',
    },
    {
      colId: 'rowsRejected',
      headerName: 'Rejected',
      valueGetter: (p) => p.data?.rowsRejected ?? null,
      valueFormatter: (p) => count(p.value as number | null),
      width: 110,
      type: 'rightAligned',
    },
    {
      colId: 'error',
      headerName: 'Error',
      valueGetter: (p) => p.data?.error ?? '',
      // The whole error text wraps (the row grows): nothing is cut.
      wrapText: true,
      autoHeight: true,
      cellClass: 'wrap-cell',
      flex: 1,
      minWidth: 180,
    },
  ];
}
