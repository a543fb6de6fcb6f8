import type { IDatasource, IGetRowsParams } from 'ag-grid-community';

import type { SchedulerStatusPage, SchedulerStatusSort } from '@flow/contracts';

import type { StatusPageRequest } from '../data-access/scheduler-status.service';

/** The api's sort key of each sortable column (the grid's column ids). */
export const SORT_BY_COLUMN: Record<string, SchedulerStatusSort> = {
  name: 'name',
  schedule: 'schedule',
  lastRun: 'lastRun',
  lag: 'lag',
  nextFires: 'nextFire',
};

/** Loads one block of rows; resolves with the page or rejects. */
export type PageLoader = (
  request: StatusPageRequest,
  done: (page: SchedulerStatusPage | null) => void,
) => void;

/**
 * ag-grid's infinite row model asks for blocks by row index (`startRow`..`endRow`) with its sort model; the api
 * answers a page at that offset in that order, filtered by the quick filter text (`q`), with the number of matching
 * rows — which tells the grid where the last row is.
 */
export function statusDatasource(q: string, load: PageLoader): IDatasource {
  return {
    getRows: (params: IGetRowsParams) => {
      const sort = params.sortModel[0];
      load(
        {
          limit: params.endRow - params.startRow,
          offset: params.startRow,
          sort: (sort && SORT_BY_COLUMN[sort.colId]) || 'name',
          order: sort?.sort === 'desc' ? 'desc' : 'asc',
          q: q.trim() || undefined,
        },
        (page) => {
          if (page) params.successCallback(page.pipelines, page.matching);
          else params.failCallback();
        },
      );
    },
  };
}
