import type { SchedulerStatusRow } from '@flow/contracts';

import { countStatuses } from './status-counts';

const row = (overrides: Partial<SchedulerStatusRow>): SchedulerStatusRow => ({
  id: 'p',
  name: 'p',
  schedule: {
    type: 'cron',
    text: '* * * * *',
    timezone: 'UTC',
    description: 'every minute',
  },
  paused: false,
  lastRunAt: null,
  lastRunStatus: null,
  expectedAt: null,
  lagMinutes: null,
  lagLevel: 'none',
  nextFires: [],
  ...overrides,
});

describe(countStatuses.name, () => {
  it('counts on time, late, paused, errors and total', () => {
    const counts = countStatuses([
      row({ lagLevel: 'green', lagMinutes: 0 }),
      row({ lagLevel: 'green', lagMinutes: 3 }),
      row({ lagLevel: 'amber', lagMinutes: 12 }),
      row({ paused: true }),
      row({ error: 'bad cron' }),
      row({}),
    ]);
    expect(counts).toEqual({
      onTime: 2,
      late: 1,
      paused: 1,
      errors: 1,
      total: 6,
    });
  });

  it('is all zeros for no rows', () => {
    expect(countStatuses([])).toEqual({
      onTime: 0,
      late: 0,
      paused: 0,
      errors: 0,
      total: 0,
    });
  });
});
