/**
 * Scenario 1 — exactly once under load: three api processes (`serve`, WORKER_ENABLED=false) on one database, 5,000
 * due pipelines, concurrent ticks at every process each simulated minute. Time advances by shifting the world one
 * minute into the past (see `shiftOneMinute`), never by sleeping. Afterwards: no (pipeline, fire) twice, the sum of
 * `dispatched` over all answers equals the runs, and every fire `@flow/schedule` predicts has its run.
 */
import type { Schedule, TickResult } from '@flow/contracts';
import { getCompiledSchedule } from '@flow/schedule';

import {
  createTenant,
  freshDatabase,
  type TestDatabase,
} from './support/database';
import { CHAOS, percentile, report } from './support/figures';
import {
  cronHeaders,
  http,
  killAllChildren,
  startApi,
  tickUrl,
  type ApiProcess,
} from './support/processes';

const PIPELINES = 5_000;
const TENANTS = 5;
const SIMULATED_MINUTES = CHAOS ? 30 : 3;
const TICKS_PER_PROCESS = CHAOS ? 10 : 5;
const MINUTE = 60_000;

/**
 * Schedule groups. Each is written so that shifting it one minute back is again a schedule of the same family:
 * `o-59/n` for "every n minutes at offset o", an interval's anchor moved back a minute. Every group uses
 * misfire=catchup and overlap=allow so that every predicted fire is expected as a run (no worker runs here, so
 * overlap=skip would hold back the second fire of a pipeline whose first run is still queued).
 */
interface Group {
  label: string;
  schedule(shiftMinutes: number): Schedule;
}
const policies = {
  misfire: 'catchup',
  maxCatchup: 10,
  overlap: 'allow',
} as const;
const everyN = (n: number, timezone: string): Group => ({
  label: `cron */${n} ${timezone}`,
  schedule: (shift) => {
    const offset = ((-shift % n) + n) % n;
    return {
      type: 'cron',
      expression: n === 60 ? `${offset} * * * *` : `${offset}-59/${n} * * * *`,
      timezone,
      ...policies,
    };
  },
});
const interval = (every: string, anchor: string): Group => ({
  label: `interval ${every}`,
  schedule: (shift) => ({
    type: 'interval',
    every,
    anchor: new Date(Date.parse(anchor) - shift * MINUTE).toISOString(),
    ...policies,
  }),
});
const GROUPS: Group[] = [
  everyN(1, 'UTC'),
  everyN(2, 'UTC'),
  everyN(5, 'Asia/Kolkata'),
  interval('PT1M', '2026-01-01T00:00:30Z'),
  interval('PT3M', '2026-01-01T00:01:00Z'),
  everyN(60, 'UTC'),
];

/** The query the duplicates figure comes from (0 by the UNIQUE constraint — and shown to be 0). */
const DUPLICATES_SQL = `SELECT pipeline_id, scheduled_for, count(*) FROM pipeline_runs GROUP BY 1, 2 HAVING count(*) > 1`;
/** Missed fires of one group: predicted fires × the group's pipelines without a run. */
const MISSED_SQL = `SELECT count(*)::int AS missed
  FROM pipelines p CROSS JOIN unnest($2::timestamptz[]) AS f(fire)
 WHERE p.name LIKE $1 || '-%'
   AND NOT EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.pipeline_id = p.id AND r.scheduled_for = f.fire)`;
const UNEXPECTED_SQL = `SELECT count(*)::int AS unexpected
  FROM pipeline_runs r JOIN pipelines p ON p.id = r.pipeline_id
 WHERE p.name LIKE $1 || '-%' AND r.scheduled_for <> ALL ($2::timestamptz[])`;

describe('exactly once under load (3 api processes, concurrent ticks, simulated minutes)', () => {
  let db: TestDatabase;
  let apis: ApiProcess[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    apis = await Promise.all(
      ['api-1', 'api-2', 'api-3'].map((name) =>
        startApi(name, db.url, { DB_POOL_SIZE: '8' }),
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop('SIGTERM', 10_000)));
    await killAllChildren();
    await db?.drop();
  }, 60_000);

  const sql = <T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> => db.dataSource.query(text, params);

  /**
   * One simulated minute passes: every stored instant (fires, schedule starts, runs' fires and queue times) moves a
   * minute into the past and every schedule is rewritten to its one-minute-earlier twin, so relative to the database
   * clock the world is a minute older. Runs move in two steps because a one-statement shift would collide with
   * UNIQUE(pipeline_id, scheduled_for) on its way (row by row, (p, 12:01) → 12:00 while (p, 12:00) is still there).
   */
  async function shiftOneMinute(shift: number): Promise<void> {
    await db.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE pipeline_state SET next_fire_at = next_fire_at - interval '1 minute', previous_fire_at = previous_fire_at - interval '1 minute',
                                   schedule_since = schedule_since - interval '1 minute'`,
      );
      for (const [index, group] of GROUPS.entries()) {
        await manager.query(
          `UPDATE pipelines SET ir = jsonb_set(ir, '{schedule}', $2::jsonb) WHERE name LIKE $1 || '-%'`,
          [`g${index}`, JSON.stringify(group.schedule(shift))],
        );
      }
      await manager.query(
        `UPDATE pipeline_runs SET scheduled_for = scheduled_for - interval '100 years', queued_at = queued_at - interval '1 minute'`,
      );
      await manager.query(
        `UPDATE pipeline_runs SET scheduled_for = scheduled_for + interval '100 years' - interval '1 minute'`,
      );
    });
  }

  it('dispatches every predicted fire exactly once', async () => {
    const tenants = [];
    for (let i = 0; i < TENANTS; i++)
      tenants.push(
        await createTenant(
          db,
          `load-${i}`,
          i % 2 === 0 ? 'UTC' : 'America/New_York',
        ),
      );
    const [{ now: start }] = await sql<{ now: Date }>('SELECT now() AS now');
    // Created a minute ago: the first fires after that are due at once (or within the first simulated minute).
    const since = new Date(start.getTime() - MINUTE);
    const perGroup = PIPELINES / GROUPS.length;
    const setup = performance.now();
    for (const [index, group] of GROUPS.entries()) {
      const schedule = group.schedule(0);
      const [first] = getCompiledSchedule(schedule, {
        timezone: 'UTC',
        anchor: since,
      }).nextFireTimes(since, 1);
      const count =
        Math.floor(perGroup) + (index < PIPELINES % GROUPS.length ? 1 : 0);
      // Set-based: one INSERT … SELECT per group, spread over the tenants.
      await sql(
        `WITH p AS (
           INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
           SELECT ($1::uuid[])[1 + g % $6], $2 || '-' || g, $3::jsonb, $4 FROM generate_series(1, $8) AS g
           RETURNING id, tenant_id
         )
         INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at)
         SELECT id, tenant_id, $5::timestamptz, $7::timestamptz FROM p`,
        [
          tenants.map((t) => t.id),
          `g${index}`,
          JSON.stringify({ version: 1, schedule, nodes: [] }),
          schedule.type,
          since,
          TENANTS,
          first,
          count,
        ],
      );
    }
    const setupMs = performance.now() - setup;
    expect(
      (await sql<{ n: number }>('SELECT count(*)::int AS n FROM pipelines'))[0]
        .n,
    ).toBe(PIPELINES);

    const answers: TickResult[] = [];
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    for (let minute = 0; minute <= SIMULATED_MINUTES; minute++) {
      if (minute > 0) await shiftOneMinute(minute);
      const round = await Promise.all(
        apis.flatMap((api) =>
          Array.from({ length: TICKS_PER_PROCESS }, (_, i) =>
            http<TickResult>(i % 2 ? 'GET' : 'POST', tickUrl(api), cronHeaders),
          ),
        ),
      );
      for (const answer of round) {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        latencies.push(answer.ms);
        if (answer.status === 200) answers.push(answer.body);
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({
      200: (SIMULATED_MINUTES + 1) * apis.length * TICKS_PER_PROCESS,
    });

    // The end of the window: the latest database instant at which a tick that ran (not skipped) looked for fires.
    const [{ until }] = await sql<{ until: Date }>(
      `SELECT max(started_at) AS until FROM scheduler_ticks WHERE outcome = 'dispatched'`,
    );
    const [{ since: finalSince }] = await sql<{ since: Date }>(
      `SELECT min(schedule_since) AS since FROM pipeline_state`,
    );
    let expectedRuns = 0;
    let missed = 0;
    let unexpected = 0;
    const perGroupExpected: string[] = [];
    for (const [index, group] of GROUPS.entries()) {
      const schedule = group.schedule(SIMULATED_MINUTES);
      const fires = getCompiledSchedule(schedule, {
        timezone: 'UTC',
        anchor: finalSince,
      }).firesBetween(finalSince, until, 10_000);
      const [{ n }] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pipelines WHERE name LIKE $1 || '-%'`,
        [`g${index}`],
      );
      expectedRuns += fires.length * n;
      perGroupExpected.push(
        `${group.label.replace(/ /g, '_')}:${fires.length}`,
      );
      missed += (
        await sql<{ missed: number }>(MISSED_SQL, [`g${index}`, fires])
      )[0].missed;
      unexpected += (
        await sql<{ unexpected: number }>(UNEXPECTED_SQL, [`g${index}`, fires])
      )[0].unexpected;
    }
    const duplicates = (await sql(DUPLICATES_SQL)).length;
    const [{ runs }] = await sql<{ runs: number }>(
      'SELECT count(*)::int AS runs FROM pipeline_runs',
    );
    const ran = answers.filter((a) => !a.skipped);
    const dispatchedSum = ran.reduce(
      (sum, a) => sum + (a.skipped ? 0 : a.dispatched),
      0,
    );
    const busiest = Math.max(...ran.map((a) => (a.skipped ? 0 : a.durationMs)));

    process.stdout.write(`RELIABILITY exactly-once query: ${DUPLICATES_SQL}\n`);
    report('exactly-once', {
      processes: apis.length,
      pipelines: PIPELINES,
      simulatedMinutes: SIMULATED_MINUTES,
      ticks: latencies.length,
      ticksRan: ran.length,
      ticksSkippedLocked: answers.length - ran.length,
      runs,
      expectedRuns,
      dispatchedSum,
      duplicates,
      missed,
      unexpected,
      maxTickMs: busiest,
      tickHttpP95Ms: percentile(latencies, 95),
      setupMs,
      firesPerPipeline: perGroupExpected.join(','),
    });
    expect(duplicates).toBe(0);
    expect(missed).toBe(0);
    expect(unexpected).toBe(0);
    expect(runs).toBe(expectedRuns);
    expect(dispatchedSum).toBe(runs);
    expect(ran.length).toBeGreaterThanOrEqual(SIMULATED_MINUTES + 1);
  }, 300_000);
});
