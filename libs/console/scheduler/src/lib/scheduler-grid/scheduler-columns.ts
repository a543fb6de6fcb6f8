import type { ColDef, GetQuickFilterTextParams } from 'ag-grid-community';

import type { SchedulerStatusRow } from '@flow/contracts';
import { lastRunPillStatus, pillLabel } from '@flow/console/ui';

import { formatLag } from '../format/format-lag';
import { LagCellRenderer } from './lag-cell-renderer';
import { LastRunCell } from './last-run-cell';
import { NextFiresCellRenderer } from './next-fires-cell-renderer';
import { PipelineNameCell } from './pipeline-name-cell';
import { ScheduleCell } from './schedule-cell';

type Row = SchedulerStatusRow;

const collator = new Intl.Collator('en', {
  sensitivity: 'base',
  numeric: true,
});

/** Case-insensitive, number-aware text order ("etl-2" before "etl-10"). */
export function compareText(
  a: string | null | undefined,
  b: string | null | undefined,
): number {
  return collator.compare(a ?? '', b ?? '');
}

/**
 * Numeric order with nulls last in both directions. ag-grid negates the result for a descending sort,
 * so a null compares as "smaller" there to still end up last.
 */
export function compareNullsLast(
  a: number | null | undefined,
  b: number | null | undefined,
  _nodeA?: unknown,
  _nodeB?: unknown,
  isDescending = false,
): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) {
    if (aMissing && bMissing) {
      return 0;
    }
    return (aMissing ? 1 : -1) * (isDescending ? -1 : 1);
  }
  return a - b;
}

const timeOf = (iso: string | null | undefined): number | null => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? null : ms;
};

/** Text the quick filter matches against, per column; kept close to what each cell shows. */
export const quickFilterText = {
  name: (row: Row) => (row.paused ? `${row.name} paused` : row.name),
  schedule: (row: Row) =>
    [
      row.schedule.description,
      row.schedule.text,
      row.schedule.timezone,
      row.schedule.type,
    ].join(' '),
  lastRun: (row: Row) => pillLabel(lastRunPillStatus(row.lastRunStatus)),
  lag: (row: Row) => {
    if (row.error) {
      return `schedule error ${row.error}`;
    }
    if (row.lagLevel === 'amber') {
      return `${formatLag(row.lagMinutes)} late`;
    }
    return row.lagLevel === 'green'
      ? `${formatLag(row.lagMinutes)} on time`
      : '';
  },
};

const fromRow =
  (text: (row: Row) => string) =>
  (params: GetQuickFilterTextParams<Row>): string =>
    params.data ? text(params.data) : '';

/**
 * Columns of the scheduler grid; every column sorts, none edits. `paged`: the infinite row model (a large tenant),
 * where the api sorts and filters and rows have a fixed height (ag-grid's auto height needs every row in hand), so
 * the schedule wraps onto at most two lines within it.
 */
export function schedulerColumnDefs(
  options: { paged?: boolean } = {},
): ColDef<Row>[] {
  const columns: ColDef<Row>[] = [
    {
      colId: 'name',
      headerName: 'Pipeline',
      valueGetter: (p) => p.data?.name ?? null,
      comparator: compareText,
      cellRenderer: PipelineNameCell,
      getQuickFilterText: fromRow(quickFilterText.name),
      flex: 1.2,
      minWidth: 180,
    },
    {
      colId: 'schedule',
      headerName: 'Schedule',
      valueGetter: (p) => p.data?.schedule.description ?? null,
      comparator: compareText,
      cellRenderer: ScheduleCell,
      getQuickFilterText: fromRow(quickFilterText.schedule),
      // Long descriptions ("at 09:00 on the last day of the month …") wrap and the row grows: nothing is cut.
      autoHeight: true,
      // Descriptions run to ~45 characters plus the zone ("at 02:30 on Sunday in March (America/New_York)"): at
      // 170 px they were cut mid-word in the e2e screenshot while the fires column had room to spare.
      flex: 1.7,
      minWidth: 240,
    },
    {
      colId: 'lastRun',
      headerName: 'Last run',
      valueGetter: (p) => timeOf(p.data?.lastRunAt),
      comparator: compareNullsLast,
      cellRenderer: LastRunCell,
      getQuickFilterText: fromRow(quickFilterText.lastRun),
      width: 215,
      minWidth: 200,
    },
    {
      colId: 'lag',
      headerName: 'Lag',
      // The cell shows "—" for level none (paused, nothing expected), so it sorts with the nulls.
      valueGetter: (p) =>
        p.data && p.data.lagLevel !== 'none' ? p.data.lagMinutes : null,
      comparator: compareNullsLast,
      cellRenderer: LagCellRenderer,
      getQuickFilterText: fromRow(quickFilterText.lag),
      width: 160,
      minWidth: 150,
    },
    {
      colId: 'nextFires',
      headerName: 'Next 5 fires',
      valueGetter: (p) => timeOf(p.data?.nextFires[0]),
      comparator: compareNullsLast,
      cellRenderer: NextFiresCellRenderer,
      getQuickFilterText: () => '',
      // Fires outside the current year carry it ("29 Feb 2028 11:00") and may wrap onto a second line.
      autoHeight: true,
      // Five fires more than a week out read "14 Mar 08:30" and may carry DST marks: at 460 px they no longer fit
      // one line and wrap onto a second (auto height, or the paged grid's 64 px rows) rather than being cut. 560 px
      // left the schedule column too narrow for its descriptions (cut mid-word in the e2e screenshot). The minimum
      // widths add up to a 1280 px window without scrolling; wider windows share the rest by flex.
      flex: 1.1,
      minWidth: 460,
    },
  ];
  if (!options.paged) return columns;
  return columns.map(
    ({
      comparator: _comparator,
      autoHeight: _autoHeight,
      getQuickFilterText: _text,
      ...column
    }) => column,
  );
}
