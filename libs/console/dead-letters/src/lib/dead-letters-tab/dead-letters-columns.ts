import type { Signal } from '@angular/core';
import type { UrlTree } from '@angular/router';
import type { ColDef } from 'ag-grid-community';

import type { DeadLetter } from '@flow/contracts';

import { compactRow, formatRowKey } from './dead-letter-format';
import {
  DeadLetterRowCell,
  DeadLetterRunCell,
  DeadLetterStatusCell,
} from './dead-letters-cells';

export interface DeadLettersGridContext {
  now: Signal<number>;
  viewerZone: Signal<string>;
  /** The Runs tab with this run selected. */
  runLink: (runId: string) => UrlTree;
}

/** Columns of the Dead letters tab (DESIGN §14), newest first as the api sends them. */
export function deadLettersColumnDefs(): ColDef<DeadLetter>[] {
  return [
    {
      colId: 'status',
      headerName: 'Status',
      valueGetter: (p) => p.data?.status ?? null,
      cellRenderer: DeadLetterStatusCell,
      width: 120,
    },
    {
      colId: 'kind',
      headerName: 'Kind',
      valueGetter: (p) => p.data?.kind ?? null,
      width: 95,
    },
    {
      colId: 'node',
      headerName: 'Node',
      valueGetter: (p) => p.data?.nodeId ?? null,
      width: 100,
    },
    {
      colId: 'reason',
      headerName: 'Reason',
      valueGetter: (p) => p.data?.reason ?? '',
      // The database's message is the point of a write letter: it wraps, nothing is cut.
      wrapText: true,
      autoHeight: true,
      cellClass: 'wrap-cell',
      flex: 2,
      minWidth: 240,
    },
    {
      colId: 'row',
      headerName: 'Row',
      valueGetter: (p) => (p.data ? compactRow(p.data.row) : ''),
      cellRenderer: DeadLetterRowCell,
      // Readable whole: the row wraps like the reason (its pretty JSON is on hover and in the letter panel).
      wrapText: true,
      autoHeight: true,
      cellClass: 'wrap-cell',
      flex: 2,
      minWidth: 220,
    },
    {
      colId: 'rowKey',
      headerName: 'Row key',
      valueGetter: (p) => (p.data ? formatRowKey(p.data.rowKey) : ''),
      wrapText: true,
      autoHeight: true,
      cellClass: 'wrap-cell',
      width: 170,
    },
    {
      colId: 'attempts',
      headerName: 'Attempts',
      valueGetter: (p) => p.data?.attempts ?? null,
      width: 120,
      type: 'rightAligned',
    },
    {
      colId: 'run',
      headerName: 'Rejected by run',
      valueGetter: (p) => (p.data ? Date.parse(p.data.createdAt) : null),
      cellRenderer: DeadLetterRunCell,
      width: 180,
    },
  ];
}
