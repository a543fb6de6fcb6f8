import { describeInProcessZones } from '../testing/process-zones';
import { LAG_THRESHOLD_MINUTES, lag } from './lag';

const at = (iso: string) => new Date(iso);
const EXPECTED = '2027-01-01T09:00:00Z';

describe(lag.name, () => {
  describeInProcessZones(() => {
    it.each<
      [
        string,
        {
          expectedAt: string | null;
          lastRunAt: string | null;
          now: string;
          paused: boolean;
        },
        ReturnType<typeof lag>,
      ]
    >([
      [
        'on time: run started 2 min after the fire',
        {
          expectedAt: EXPECTED,
          lastRunAt: '2027-01-01T09:02:59Z',
          now: '2027-01-01T09:30:00Z',
          paused: false,
        },
        { lagMinutes: 2, lagLevel: 'green' },
      ],
      [
        'run started exactly at the fire',
        {
          expectedAt: EXPECTED,
          lastRunAt: EXPECTED,
          now: '2027-01-01T10:00:00Z',
          paused: false,
        },
        { lagMinutes: 0, lagLevel: 'green' },
      ],
      [
        'late: run started 5 min after the fire',
        {
          expectedAt: EXPECTED,
          lastRunAt: '2027-01-01T09:05:00Z',
          now: '2027-01-01T09:30:00Z',
          paused: false,
        },
        { lagMinutes: 5, lagLevel: 'amber' },
      ],
      [
        'overdue: last run is older than the fire',
        {
          expectedAt: EXPECTED,
          lastRunAt: '2027-01-01T08:00:00Z',
          now: '2027-01-01T09:04:59Z',
          paused: false,
        },
        { lagMinutes: 4, lagLevel: 'green' },
      ],
      [
        'overdue for long',
        {
          expectedAt: EXPECTED,
          lastRunAt: '2027-01-01T08:00:00Z',
          now: '2027-01-01T10:30:00Z',
          paused: false,
        },
        { lagMinutes: 90, lagLevel: 'amber' },
      ],
      [
        'never run',
        {
          expectedAt: EXPECTED,
          lastRunAt: null,
          now: '2027-01-01T09:07:00Z',
          paused: false,
        },
        { lagMinutes: 7, lagLevel: 'amber' },
      ],
      [
        'no expected fire yet',
        {
          expectedAt: null,
          lastRunAt: null,
          now: '2027-01-01T09:07:00Z',
          paused: false,
        },
        { lagMinutes: null, lagLevel: 'none' },
      ],
      [
        'paused',
        {
          expectedAt: EXPECTED,
          lastRunAt: null,
          now: '2027-01-02T09:00:00Z',
          paused: true,
        },
        { lagMinutes: null, lagLevel: 'none' },
      ],
    ])('%s', (_name, input, expected) => {
      const result = lag({
        expectedAt: input.expectedAt === null ? null : at(input.expectedAt),
        lastRunAt: input.lastRunAt === null ? null : at(input.lastRunAt),
        now: at(input.now),
        paused: input.paused,
      });
      expect(result).toEqual(expected);
    });

    it('uses a 5-minute threshold', () => {
      expect(LAG_THRESHOLD_MINUTES).toBe(5);
    });
  });
});
