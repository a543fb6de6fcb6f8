import type { Signal } from '@angular/core';
import type { ColDef } from 'ag-grid-community';

import type { LineageRow } from './lineage-graph';
import { LastWrittenCell, PipelinesCell, TableNameCell } from './lineage-cells';

export interface LineageGridContext {
  now: Signal<number>;
  viewerZone: Signal<string>;
}

/** Columns of the lineage table (DESIGN §11): table, role, exists, rows, last written, writers, readers. */
export function lineageColumnDefs(): ColDef<LineageRow>[] {
  return [
    {
      colId: 'table',
      headerName: 'Table',
      valueGetter: (p) => p.data?.table ?? null,
      cellRenderer: TableNameCell,
      flex: 1.4,
      minWidth: 190,
    },
    {
      colId: 'role',
      headerName: 'Role',
      valueGetter: (p) => p.data?.role ?? null,
      width: 80,
    },
    {
      colId: 'exists',
      headerName: 'Exists',
      valueGetter: (p) => (p.data ? (p.data.exists ? 'yes' : 'no') : null),
      width: 80,
    },
    {
      colId: 'rows',
      headerName: 'Rows',
      valueGetter: (p) => p.data?.rowCount ?? null,
      valueFormatter: (p) =>
        p.value === null || p.value === undefined
          ? '—'
          : (p.value as number).toLocaleString('en-GB'),
      type: 'rightAligned',
      width: 90,
    },
    {
      colId: 'lastWritten',
      headerName: 'Last written',
      valueGetter: (p) =>
        p.data?.lastWrittenAt ? Date.parse(p.data.lastWrittenAt) : null,
      cellRenderer: LastWrittenCell,
      width: 140,
    },
    {
      colId: 'writers',
      headerName: 'Writers',
      valueGetter: (p) => p.data?.writers.join(', ') ?? '',
      cellRenderer: PipelinesCell,
      cellRendererParams: { which: 'writers' },
      flex: 1,
      minWidth: 140,
    },
    {
      colId: 'readers',
      headerName: 'Readers',
      valueGetter: (p) => p.data?.readers.join(', ') ?? '',
      cellRenderer: PipelinesCell,
      cellRendererParams: { which: 'readers' },
      flex: 1,
      minWidth: 140,
    },
  ];
}
