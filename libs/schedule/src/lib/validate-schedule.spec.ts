import { describeInProcessZones } from '../testing/process-zones';
import { validateSchedule } from './validate-schedule';

const P = 'ir.schedule';

describe(validateSchedule.name, () => {
  describeInProcessZones(() => {
    it.each<[string, unknown]>([
      [
        'cron in a zone',
        { type: 'cron', expression: '*/15 * * * *', timezone: 'Europe/Berlin' },
      ],
      [
        'cron macro with policies',
        {
          type: 'cron',
          expression: '@daily',
          misfire: 'catchup',
          maxCatchup: 100,
          overlap: 'allow',
        },
      ],
      [
        'cron with names, lists, ranges and steps',
        { type: 'cron', expression: '5,35 8-18/2 1-15 jan-jun mon-fri' },
      ],
      [
        'interval',
        { type: 'interval', every: 'PT15M', anchor: '2026-01-01T00:00:00Z' },
      ],
      [
        'interval with offset anchor and weeks',
        { type: 'interval', every: 'P1W', anchor: '2026-01-01T01:00:00+01:00' },
      ],
      [
        'rrule',
        {
          type: 'rrule',
          rrule:
            'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
        },
      ],
      [
        'rrule that already ended',
        {
          type: 'rrule',
          rrule:
            'DTSTART:20200101T000000Z\nRRULE:FREQ=DAILY;UNTIL=20200105T000000Z',
        },
      ],
      [
        'rrule without DTSTART, with COUNT',
        { type: 'rrule', rrule: 'RRULE:FREQ=MINUTELY;INTERVAL=5;COUNT=10' },
      ],
      [
        'rrule on 29 February (leap years)',
        { type: 'rrule', rrule: 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29' },
      ],
      [
        'rrule on the last day of February',
        { type: 'rrule', rrule: 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1' },
      ],
    ])('accepts %s', (_name, schedule) => {
      expect(validateSchedule(schedule, P)).toEqual([]);
    });

    it.each<[string, unknown, { path: string; message: string }[]]>([
      ['not an object', 'daily', [{ path: P, message: 'must be an object' }]],
      [
        'no type',
        { expression: '* * * * *' },
        [
          {
            path: `${P}.type`,
            message: 'is required (cron, interval or rrule)',
          },
        ],
      ],
      [
        'wrong type',
        { type: 'weekly' },
        [{ path: `${P}.type`, message: 'must be cron, interval or rrule' }],
      ],
      [
        'a type named like an Object.prototype key',
        { type: 'constructor' },
        [{ path: `${P}.type`, message: 'must be cron, interval or rrule' }],
      ],
      [
        'an rrule whose months and days never meet',
        { type: 'rrule', rrule: 'RRULE:FREQ=YEARLY;BYMONTH=2,4;BYMONTHDAY=31' },
        [
          {
            path: `${P}.rrule`,
            message:
              'never fires: BYMONTHDAY 31 never occurs in February and April',
          },
        ],
      ],
      [
        'unknown field',
        { type: 'cron', expression: '* * * * *', foo: 1 },
        [{ path: `${P}.foo`, message: 'unknown field' }],
      ],
      [
        'field of another kind',
        { type: 'cron', expression: '* * * * *', every: 'PT1M' },
        [{ path: `${P}.every`, message: 'unknown field' }],
      ],
      [
        'missing expression',
        { type: 'cron' },
        [{ path: `${P}.expression`, message: 'is required' }],
      ],
      [
        'minute out of range',
        { type: 'cron', expression: '61 * * * *' },
        [
          {
            path: `${P}.expression`,
            message: 'minute 61 is out of range 0-59',
          },
        ],
      ],
      [
        'six fields',
        { type: 'cron', expression: '0 * * * * *' },
        [
          {
            path: `${P}.expression`,
            message:
              'expected 5 fields (minute hour day-of-month month day-of-week), got 6 (seconds are not supported)',
          },
        ],
      ],
      [
        'four fields',
        { type: 'cron', expression: '* * * *' },
        [
          {
            path: `${P}.expression`,
            message:
              'expected 5 fields (minute hour day-of-month month day-of-week), got 4',
          },
        ],
      ],
      [
        'hour range backwards',
        { type: 'cron', expression: '0 22-2 * * *' },
        [
          {
            path: `${P}.expression`,
            message: 'hour range 22-2 goes backwards (write it low-high)',
          },
        ],
      ],
      [
        'step zero',
        { type: 'cron', expression: '*/0 * * * *' },
        [
          {
            path: `${P}.expression`,
            message: 'minute step 0 is out of range 1-59',
          },
        ],
      ],
      [
        'bad month name',
        { type: 'cron', expression: '0 0 1 FOO *' },
        [
          {
            path: `${P}.expression`,
            message: "month 'FOO' is not a number or name",
          },
        ],
      ],
      [
        'empty list item',
        { type: 'cron', expression: '1,,2 * * * *' },
        [
          {
            path: `${P}.expression`,
            message: "minute has an empty list item in '1,,2'",
          },
        ],
      ],
      [
        'day-of-week out of range',
        { type: 'cron', expression: '0 0 * * 8' },
        [
          {
            path: `${P}.expression`,
            message: 'day-of-week 8 is out of range 0-7',
          },
        ],
      ],
      [
        'unsupported L',
        { type: 'cron', expression: '0 0 L * *' },
        [
          {
            path: `${P}.expression`,
            message: "day-of-month 'L' is not a number",
          },
        ],
      ],
      [
        'two bad fields',
        { type: 'cron', expression: '60 24 * * *' },
        [
          {
            path: `${P}.expression`,
            message: 'minute 60 is out of range 0-59',
          },
          { path: `${P}.expression`, message: 'hour 24 is out of range 0-23' },
        ],
      ],
      [
        'never fires',
        { type: 'cron', expression: '0 0 30 2 *' },
        [
          {
            path: `${P}.expression`,
            message: 'day-of-month 30 never occurs in February',
          },
        ],
      ],
      [
        'unknown macro',
        { type: 'cron', expression: '@weekdays' },
        [
          {
            path: `${P}.expression`,
            message:
              'unknown macro @weekdays (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)',
          },
        ],
      ],
      [
        'unknown zone',
        { type: 'cron', expression: '* * * * *', timezone: 'Europe/Atlantis' },
        [
          {
            path: `${P}.timezone`,
            message:
              "unknown time zone 'Europe/Atlantis' (use an IANA name such as Europe/Berlin)",
          },
        ],
      ],
      [
        'interval below a minute',
        { type: 'interval', every: 'PT30S' },
        [{ path: `${P}.every`, message: 'must be at least 1 minute (PT1M)' }],
      ],
      [
        'interval in months',
        { type: 'interval', every: 'P1M' },
        [
          {
            path: `${P}.every`,
            message:
              'years and months are not fixed durations in absolute time; use a cron or rrule schedule',
          },
        ],
      ],
      [
        'interval not ISO',
        { type: 'interval', every: '15m' },
        [
          {
            path: `${P}.every`,
            message:
              "'15m' is not an ISO-8601 duration such as PT15M, PT1H or P1D",
          },
        ],
      ],
      [
        'anchor without offset',
        { type: 'interval', every: 'PT1H', anchor: '2026-01-01T00:00:00' },
        [
          {
            path: `${P}.anchor`,
            message:
              'must be an ISO-8601 instant with Z or an offset, e.g. 2026-01-01T00:00:00Z',
          },
        ],
      ],
      [
        'anchor not a date',
        { type: 'interval', every: 'PT1H', anchor: '2026-02-30T00:00:00Z' },
        [
          {
            path: `${P}.anchor`,
            message:
              'must be an ISO-8601 instant with Z or an offset, e.g. 2026-01-01T00:00:00Z',
          },
        ],
      ],
      [
        'rrule SECONDLY',
        { type: 'rrule', rrule: 'RRULE:FREQ=SECONDLY' },
        [
          {
            path: `${P}.rrule`,
            message: 'FREQ=SECONDLY is not supported (the finest is MINUTELY)',
          },
        ],
      ],
      [
        'rrule without RRULE line',
        { type: 'rrule', rrule: 'DTSTART:20260101T000000Z' },
        [
          {
            path: `${P}.rrule`,
            message: 'missing RRULE line (e.g. RRULE:FREQ=WEEKLY;BYDAY=MO)',
          },
        ],
      ],
      [
        'rrule bad TZID',
        {
          type: 'rrule',
          rrule: 'DTSTART;TZID=Mars/Olympus:20260101T000000\nRRULE:FREQ=DAILY',
        },
        [{ path: `${P}.rrule`, message: "unknown TZID 'Mars/Olympus'" }],
      ],
      [
        'rrule BYHOUR out of range',
        { type: 'rrule', rrule: 'RRULE:FREQ=DAILY;BYHOUR=25' },
        [{ path: `${P}.rrule`, message: 'BYHOUR 25 is out of range 0-23' }],
      ],
      [
        'rrule unknown part',
        { type: 'rrule', rrule: 'RRULE:FREQ=DAILY;FOO=1' },
        [{ path: `${P}.rrule`, message: 'unknown RRULE part FOO' }],
      ],
      [
        'rrule COUNT and UNTIL',
        {
          type: 'rrule',
          rrule: 'RRULE:FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z',
        },
        [{ path: `${P}.rrule`, message: 'COUNT and UNTIL cannot both be set' }],
      ],
      [
        'rrule EXDATE line',
        { type: 'rrule', rrule: 'RRULE:FREQ=DAILY\nEXDATE:20270101T000000Z' },
        [
          {
            path: `${P}.rrule`,
            message: "unsupported line 'EXDATE' (only DTSTART and RRULE)",
          },
        ],
      ],
      [
        'rrule bad DTSTART date',
        { type: 'rrule', rrule: 'DTSTART:20270230T000000Z\nRRULE:FREQ=DAILY' },
        [
          {
            path: `${P}.rrule`,
            message: 'DTSTART 20270230T000000 is not a real date-time',
          },
        ],
      ],
      [
        'bad policies',
        {
          type: 'interval',
          every: 'PT1H',
          misfire: 'retry',
          maxCatchup: 0,
          overlap: 'queue',
        },
        [
          {
            path: `${P}.misfire`,
            message: 'must be coalesce, skip or catchup',
          },
          {
            path: `${P}.maxCatchup`,
            message: 'must be a whole number from 1 to 100',
          },
          { path: `${P}.overlap`, message: 'must be skip or allow' },
        ],
      ],
      [
        'fractional maxCatchup',
        { type: 'interval', every: 'PT1H', maxCatchup: 2.5 },
        [
          {
            path: `${P}.maxCatchup`,
            message: 'must be a whole number from 1 to 100',
          },
        ],
      ],
      [
        'expression not a string',
        { type: 'cron', expression: 5 },
        [{ path: `${P}.expression`, message: 'must be a string' }],
      ],
    ])('rejects %s', (_name, schedule, errors) => {
      expect(validateSchedule(schedule, P)).toEqual(errors);
    });
  });
});
