/**
 * Fire-time throughput (DESIGN §10: ≥ 50,000 next-fire computations per second per core).
 * Run: npx ts-node --transpile-only -O '{"module":"commonjs"}' tools/bench/fire-times.bench.ts
 * One "computation" is one `nextFireTimes(t, 1)` call at a new instant `t`.
 */
import type { Schedule } from '@flow/contracts';

import {
  clearScheduleCache,
  compileSchedule,
  getCompiledSchedule,
} from '../../libs/schedule/src';

const DEFAULTS = {
  timezone: 'Europe/Berlin',
  anchor: new Date('2026-01-01T00:00:00Z'),
};
const START = Date.UTC(2027, 2, 1);
const STEP_MS = 7 * 60_000 + 13_000;
const TARGET = 50_000;

const CASES: [string, Schedule][] = [
  [
    'cron */15 Berlin',
    { type: 'cron', expression: '*/15 * * * *', timezone: 'Europe/Berlin' },
  ],
  [
    'cron 30 2 * * * New York',
    { type: 'cron', expression: '30 2 * * *', timezone: 'America/New_York' },
  ],
  [
    'cron 0 9 * * 1-5 Lord Howe',
    {
      type: 'cron',
      expression: '0 9 * * 1-5',
      timezone: 'Australia/Lord_Howe',
    },
  ],
  [
    'interval PT15M',
    { type: 'interval', every: 'PT15M', anchor: '2026-01-01T00:00:00Z' },
  ],
  [
    'rrule weekly MO,TH Berlin',
    {
      type: 'rrule',
      rrule:
        'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
    },
  ],
  [
    'rrule hourly New York',
    {
      type: 'rrule',
      rrule: 'DTSTART;TZID=America/New_York:20260101T000000\nRRULE:FREQ=HOURLY',
    },
  ],
];

function perSecond(iterations: number, run: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 100); i++) sink += run(i) ? 1 : 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += run(i) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sink < 0) console.log(sink);
  return iterations / seconds;
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString('en-US').padStart(12);
}

const baseline = perSecond(
  2_000_000,
  (i) =>
    new Date(START + i * STEP_MS + 900_000 - ((START + i * STEP_MS) % 900_000)),
);
console.log(
  `baseline: Date arithmetic (next quarter hour)  ${format(baseline)} /s`,
);
console.log(
  'kind                               cached /s   ratio to baseline   cold compile+next /s   target 50,000',
);
for (const [name, schedule] of CASES) {
  clearScheduleCache();
  const compiled = getCompiledSchedule(schedule, DEFAULTS);
  // Instants advance like a tick or a status page would ask: mostly forward, around "now".
  const cached = perSecond(
    200_000,
    (i) => compiled.nextFireTimes(new Date(START + i * STEP_MS), 1)[0],
  );
  // A cold rrule replays rrule.js from DTSTART (here 14 months of occurrences), so it gets fewer rounds.
  const coldRounds = schedule.type === 'rrule' ? 100 : 2_000;
  const cold = perSecond(
    coldRounds,
    (i) =>
      compileSchedule(schedule, DEFAULTS).nextFireTimes(
        new Date(START + i * STEP_MS),
        1,
      )[0],
  );
  const verdict = cached >= TARGET ? 'ok' : 'MISSED';
  console.log(
    `${name.padEnd(30)} ${format(cached)}   ${(cached / baseline).toFixed(3).padStart(10)}          ${format(cold)}   ${verdict}`,
  );
}
