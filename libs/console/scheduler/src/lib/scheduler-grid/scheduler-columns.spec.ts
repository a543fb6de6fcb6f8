import type { SchedulerStatusRow } from '@flow/contracts';

import {
  compareNullsLast,
  compareText,
  quickFilterText,
} from './scheduler-columns';

describe(compareNullsLast.name, () => {
  const sort = (values: (number | null)[], descending: boolean) => {
    // ag-grid negates the comparator for a descending sort; do the same here.
    const sign = descending ? -1 : 1;
    return [...values].sort(
      (a, b) => sign * compareNullsLast(a, b, undefined, undefined, descending),
    );
  };

  it('sorts numerically ascending with nulls last', () => {
    expect(sort([12, null, 2, 190, null, 0], false)).toEqual([
      0,
      2,
      12,
      190,
      null,
      null,
    ]);
  });

  it('sorts numerically descending with nulls still last', () => {
    expect(sort([12, null, 2, 190, null, 0], true)).toEqual([
      190,
      12,
      2,
      0,
      null,
      null,
    ]);
  });
});

describe(compareText.name, () => {
  it('ignores case and orders numbers naturally', () => {
    expect(['etl-10', 'Etl-2', 'billing'].sort(compareText)).toEqual([
      'billing',
      'Etl-2',
      'etl-10',
    ]);
  });
});

describe('quickFilterText', () => {
  const row: SchedulerStatusRow = {
    id: '1',
    name: 'orders-hourly',
    schedule: {
      type: 'cron',
      text: '0 * * * *',
      timezone: 'Europe/Berlin',
      description: 'every hour',
    },
    paused: true,
    lastRunAt: null,
    lastRunStatus: null,
    expectedAt: null,
    lagMinutes: 12,
    lagLevel: 'amber',
    nextFires: [],
  };

  it('lets users find paused, late and never-run pipelines by the words the cells show', () => {
    expect(quickFilterText.name(row)).toContain('paused');
    expect(quickFilterText.schedule(row)).toContain('Europe/Berlin');
    expect(quickFilterText.lastRun(row)).toBe('never run');
    expect(quickFilterText.lag(row)).toBe('12 min late');
    expect(quickFilterText.lag({ ...row, error: 'bad cron' })).toContain(
      'schedule error',
    );
  });
});
