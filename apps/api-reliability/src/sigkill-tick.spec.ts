/**
 * Scenario 2 — SIGKILL an api process mid-tick. 20,000 due pipelines (50,000 in chaos): the tick works through them
 * in batches of 5,000 inside one transaction. A side connection holds a row lock on a pipeline of the third batch,
 * so the tick stops mid-transaction with two batches of runs already inserted (uncommitted) and the advisory lock
 * held. Then the process holding it is SIGKILLed. Promised: none of that tick's runs commit, the lock is released,
 * and the next tick (another process) dispatches everything due, once.
 */
import type { Client } from 'pg';

import type { TickResult } from '@flow/contracts';

import {
  createTenant,
  freshDatabase,
  sideConnection,
  tickLockHolders,
  type TestDatabase,
} from './support/database';
import { CHAOS, report } from './support/figures';
import {
  cronHeaders,
  http,
  killAllChildren,
  startApi,
  tickUrl,
  waitFor,
  type ApiProcess,
} from './support/processes';

const DUE = CHAOS ? 50_000 : 20_000;
const MINUTE = 60_000;

describe('SIGKILL of an api process in the middle of a tick', () => {
  let db: TestDatabase;
  let victim: ApiProcess;
  let survivor: ApiProcess;
  let side: Client | null = null;
  let probe: Client;

  beforeAll(async () => {
    db = await freshDatabase();
    [victim, survivor] = await Promise.all([
      startApi('api-victim', db.url),
      startApi('api-survivor', db.url),
    ]);
    probe = await sideConnection(db.url, 'reliability-probe');
  }, 120_000);

  afterAll(async () => {
    await side?.end().catch(() => undefined);
    await probe?.end().catch(() => undefined);
    await survivor?.stop('SIGTERM', 10_000);
    await killAllChildren();
    await db?.drop();
  }, 60_000);

  const sql = <T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> => db.dataSource.query(text, params);

  it('commits nothing of the killed tick, frees the lock, and the next tick dispatches everything due', async () => {
    const tenant = await createTenant(db, 'sigkill');
    const [{ now }] = await sql<{ now: Date }>('SELECT now() AS now');
    const fire = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
    await sql(
      `WITH p AS (
         INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
         SELECT $1, 'p-' || g, $2::jsonb, 'cron' FROM generate_series(1, $5) AS g
         RETURNING id, tenant_id
       )
       INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at)
       SELECT id, tenant_id, $3::timestamptz, $4::timestamptz FROM p`,
      [
        tenant.id,
        JSON.stringify({
          version: 1,
          schedule: { type: 'cron', expression: '* * * * *', timezone: 'UTC' },
          nodes: [],
        }),
        new Date(fire.getTime() - 10 * MINUTE),
        fire,
        DUE,
      ],
    );
    const checksum = async () =>
      (
        await sql<{ sum: string }>(
          `SELECT md5(string_agg(pipeline_id::text || next_fire_at::text, ',' ORDER BY pipeline_id)) AS sum FROM pipeline_state`,
        )
      )[0].sum;
    const before = await checksum();

    // Lock a pipeline of the third batch (the tick reads due pipelines in (next_fire_at, id) order, 5,000 at a time).
    const [{ id: blocker }] = await sql<{ id: string }>(
      `SELECT pipeline_id AS id FROM pipeline_state ORDER BY next_fire_at, pipeline_id OFFSET 12000 LIMIT 1`,
    );
    side = await sideConnection(db.url, 'reliability-row-lock');
    await side.query('BEGIN');
    await side.query(
      'SELECT 1 FROM pipeline_state WHERE pipeline_id = $1 FOR UPDATE',
      [blocker],
    );

    const started = performance.now();
    const killedTick = http<TickResult>(
      'POST',
      tickUrl(victim),
      cronHeaders,
      60_000,
    );
    // The tick is mid-transaction: it holds the advisory lock and its dispatch statement for the third batch waits for
    // the row lock, with the first two batches' runs inserted.
    await waitFor(
      'the tick to hold the lock and wait on the row lock',
      async () => {
        const { rows } = await probe.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flow' AND wait_event_type = 'Lock' AND state = 'active'
            AND query LIKE 'WITH fires AS%'`,
        );
        return rows[0].n === 1 && (await tickLockHolders(probe)) === 1;
      },
      30_000,
    );
    const midTickMs = performance.now() - started;
    const concurrent = await http<TickResult>(
      'POST',
      tickUrl(survivor),
      cronHeaders,
    );
    expect(concurrent).toMatchObject({
      status: 200,
      body: { skipped: true, reason: 'locked' },
    });

    const victimPid = victim.pid;
    await victim.stop('SIGKILL');
    const killedAnswer = await killedTick;
    expect(killedAnswer.status).toBe(0); // the connection died with the process: no answer
    // PostgreSQL notices the dead client once the blocked statement can proceed and tries to answer it.
    await side.query('ROLLBACK');
    await side.end();
    side = null;
    const releaseStarted = performance.now();
    await waitFor(
      'the advisory lock to be released',
      async () => (await tickLockHolders(probe)) === 0,
      30_000,
    );
    const lockReleasedMs = performance.now() - releaseStarted;

    const [{ runs: runsAfterKill }] = await sql<{ runs: number }>(
      'SELECT count(*)::int AS runs FROM pipeline_runs',
    );
    const [{ ticks: committedTicks }] = await sql<{ ticks: number }>(
      `SELECT count(*)::int AS ticks FROM scheduler_ticks WHERE outcome = 'dispatched'`,
    );
    expect(runsAfterKill).toBe(0);
    expect(committedTicks).toBe(0);
    expect(await checksum()).toBe(before);

    const next = await http<TickResult>(
      'POST',
      tickUrl(survivor),
      cronHeaders,
      60_000,
    );
    expect(next.status).toBe(200);
    const result = next.body;
    if (result.skipped) throw new Error('the next tick was skipped');
    const [{ runs, pipelines, duplicates }] = await sql<{
      runs: number;
      pipelines: number;
      duplicates: number;
    }>(
      `SELECT count(*)::int AS runs, count(DISTINCT pipeline_id)::int AS pipelines,
              (SELECT count(*)::int FROM (SELECT 1 FROM pipeline_runs GROUP BY pipeline_id, scheduled_for HAVING count(*) > 1) d) AS duplicates
         FROM pipeline_runs`,
    );
    const [{ stillDue }] = await sql<{ stillDue: number }>(
      `SELECT count(*)::int AS "stillDue" FROM pipeline_state WHERE next_fire_at <= now()`,
    );
    report('sigkill-mid-tick', {
      due: DUE,
      killedPid: victimPid,
      msUntilBlockedMidTick: midTickMs,
      runsCommittedByKilledTick: runsAfterKill,
      lockHoldersAfterKill: 0,
      lockReleasedAfterMs: lockReleasedMs,
      nextTickDue: result.due,
      nextTickDispatched: result.dispatched,
      nextTickMs: result.durationMs,
      runs,
      duplicates,
      stillDue,
    });
    expect(result.due).toBe(DUE);
    expect(result.dispatched).toBe(DUE);
    expect(runs).toBe(DUE);
    expect(pipelines).toBe(DUE);
    expect(duplicates).toBe(0);
    expect(stillDue).toBe(0);
    expect(await tickLockHolders(probe)).toBe(0);
  }, 180_000);
});
