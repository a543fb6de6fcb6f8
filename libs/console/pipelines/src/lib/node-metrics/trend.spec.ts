import type { NodeMetricsPoint } from '@flow/contracts';

import { toTrend } from './trend';

const point = (overrides: Partial<NodeMetricsPoint>): NodeMetricsPoint => ({
  runId: 'r',
  status: 'succeeded',
  trigger: 'schedule',
  scheduledFor: null,
  queuedAt: '2026-03-14T11:00:00Z',
  startedAt: '2026-03-14T11:00:01Z',
  finishedAt: '2026-03-14T11:00:02Z',
  irVersion: null,
  recorded: true,
  rowsIn: 10,
  rowsOut: 8,
  rowsRejected: 2,
  durationMs: 40,
  ...overrides,
});

describe(toTrend.name, () => {
  it('numbers runs oldest first and flags failed ones', () => {
    const trend = toTrend([
      point({ runId: 'a' }),
      point({ runId: 'b', status: 'failed', rowsOut: null, startedAt: null }),
    ]);
    expect(trend.map((d) => [d.index, d.runId, d.failed])).toEqual([
      [1, 'a', false],
      [2, 'b', true],
    ]);
    expect(trend[1].at).toBe('2026-03-14T11:00:00Z');
    expect(trend[1].rowsOut).toBeNull();
  });

  it('keeps each run’s trigger, so replays read as such', () => {
    const trend = toTrend([point({}), point({ trigger: 'replay' })]);
    expect(trend.map((d) => d.trigger)).toEqual(['schedule', 'replay']);
  });

  it('marks IR-version changes only where both versions are known', () => {
    const trend = toTrend([
      point({ irVersion: null }),
      point({ irVersion: 1 }),
      point({ irVersion: 1 }),
      point({ irVersion: 2 }),
    ]);
    expect(trend.map((d) => d.versionChanged)).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });
});
