/**
 * Scenario 4 — a worker process is SIGKILLed in the middle of a run. The run copies a 200,000-row source into an
 * existing target (append); a side connection holds an ACCESS EXCLUSIVE lock on the target so the run is certainly
 * mid-transaction (rows read, INSERT waiting) when the worker dies. A second worker process then reaps the run and
 * retries it. The heartbeat expiry (30 s) and the retry backoff (30 s) are not environment settings, so the test
 * drives them through the data instead of sleeping: it backdates `heartbeat_at`, and `available_at` once reaped.
 * Promised: nothing of the killed attempt is written, the run is reaped and retried, the target holds every row once.
 *
 * The second case kills the worker while it isolates rows the target rejects (NOT NULL): some slices are written
 * and a dead-letter insert waits behind a lock on `dead_letters`. Promised: nothing of the killed attempt remains;
 * the retry writes every good row once and one `write` letter per rejected row.
 */
import type { Client } from 'pg';

import {
  createTenant,
  freshDatabase,
  sideConnection,
  type TestDatabase,
} from './support/database';
import { CHAOS, report } from './support/figures';
import {
  killAllChildren,
  startWorker,
  waitFor,
  type Child,
} from './support/processes';

const ROWS = CHAOS ? 1_000_000 : 200_000;

describe('worker crash mid-run', () => {
  let db: TestDatabase;
  let side: Client | null = null;
  const workers: Child[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
  });

  afterAll(async () => {
    await side?.end().catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.stop('SIGTERM', 10_000)));
    await killAllChildren();
    await db?.drop();
  }, 60_000);

  const sql = <T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> => db.dataSource.query(text, params);
  type RunRow = {
    status: string;
    attempt: number;
    error: string | null;
    rows_written: number | null;
    worker_id: string | null;
  };
  const runRow = async (id: string) =>
    (
      await sql<RunRow>(
        `SELECT status, attempt, error, rows_written, worker_id FROM pipeline_runs WHERE id = $1`,
        [id],
      )
    )[0];

  it('reaps and retries the run; the target holds the rows exactly once', async () => {
    const tenant = await createTenant(db, 'crash');
    await sql(
      `CREATE TABLE ${tenant.schema}.events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, ${ROWS}) AS g`,
    );
    await sql(
      `CREATE TABLE ${tenant.schema}.events_copy (id integer, payload text)`,
    );
    const ir = {
      version: 1,
      nodes: [
        {
          id: 'events',
          type: 'source',
          table: 'events',
          columns: ['id', 'payload'],
        },
        {
          id: 'out',
          type: 'target',
          input: 'events',
          table: 'events_copy',
          mode: 'append',
        },
      ],
    };
    const [{ id: pipelineId }] = await sql<{ id: string }>(
      `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'copy', $2::jsonb) RETURNING id`,
      [tenant.id, JSON.stringify(ir)],
    );
    const [{ id: runId }] = await sql<{ id: string }>(
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger) VALUES ($1, $2, 'manual') RETURNING id`,
      [tenant.id, pipelineId],
    );

    side = await sideConnection(db.url, 'reliability-table-lock');
    await side.query('BEGIN');
    await side.query(
      `LOCK TABLE ${tenant.schema}.events_copy IN ACCESS EXCLUSIVE MODE`,
    );

    const first = await startWorker('worker-1', db.url);
    workers.push(first);
    await waitFor(
      'worker-1 to claim the run and block on the target',
      async () => {
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flow' AND wait_event_type = 'Lock'`,
        );
        return n === 1 && (await runRow(runId)).status === 'running';
      },
      30_000,
    );
    const claimed = await runRow(runId);
    expect(claimed).toMatchObject({ status: 'running', attempt: 1 });

    await first.stop('SIGKILL');
    await side.query('ROLLBACK');
    await side.end();
    side = null;
    // The dead worker's backend finishes its blocked statement, finds no client and rolls back.
    await waitFor(
      'the killed worker’s sessions to end',
      async () => {
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flow'`,
        );
        return n === 0;
      },
      30_000,
    );
    const [{ n: rowsAfterKill }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${tenant.schema}.events_copy`,
    );
    expect(rowsAfterKill).toBe(0);
    expect(await runRow(runId)).toMatchObject({
      status: 'running',
      attempt: 1,
    }); // a zombie until reaped

    // Expire the heartbeat (instead of waiting 30 s), then let a second worker's reaper (every 10 s) find it.
    await sql(
      `UPDATE pipeline_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`,
      [runId],
    );
    const second = await startWorker('worker-2', db.url);
    workers.push(second);
    const reapStarted = performance.now();
    await waitFor(
      'the reaper to requeue the run',
      async () => (await runRow(runId)).status === 'queued',
      30_000,
      250,
    );
    const reapedAfterMs = performance.now() - reapStarted;
    const reaped = await runRow(runId);
    expect(reaped.error).toMatch(
      /heartbeat expired: worker .* stopped responding during attempt 1/,
    );
    // Skip the 30 s backoff.
    await sql(
      `UPDATE pipeline_runs SET available_at = now() WHERE id = $1 AND status = 'queued'`,
      [runId],
    );
    const retryStarted = performance.now();
    await waitFor(
      'the retry to succeed',
      async () => (await runRow(runId)).status === 'succeeded',
      60_000,
      250,
    );
    const retryMs = performance.now() - retryStarted;

    const done = await runRow(runId);
    const [{ rows, distinctIds, matching }] = await sql<{
      rows: number;
      distinctIds: number;
      matching: number;
    }>(
      `SELECT count(*)::int AS rows, count(DISTINCT c.id)::int AS "distinctIds",
              count(*) FILTER (WHERE c.payload = md5(c.id::text))::int AS matching
         FROM ${tenant.schema}.events_copy c`,
    );
    report('worker-crash', {
      sourceRows: ROWS,
      killedWorkerPid: first.pid,
      rowsWrittenByKilledAttempt: rowsAfterKill,
      reapedAfterMs,
      retrySucceededAfterMs: retryMs,
      finalStatus: done.status,
      attempts: done.attempt,
      targetRows: rows,
      distinctIds,
      duplicates: rows - distinctIds,
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      attempt: 2,
      rows_written: ROWS,
    });
    expect(rows).toBe(ROWS);
    expect(distinctIds).toBe(ROWS);
    expect(matching).toBe(ROWS);
  }, 180_000);

  it('a worker killed while isolating rejected rows: the retry writes each good row once and one letter per bad row', async () => {
    // The test above leaves its retry worker polling: stop it, so that this test's workers are the only ones (and
    // "every 'flow' session ended" below means the killed worker's).
    await Promise.all(
      workers.splice(0).map((worker) => worker.stop('SIGTERM', 10_000)),
    );
    const tenant = await createTenant(db, 'crash-isolated');
    const rows = CHAOS ? 200_000 : 20_000;
    const every = 1_000;
    await sql(
      `CREATE TABLE ${tenant.schema}.events AS
         SELECT g AS id, CASE WHEN g % ${every} = 0 THEN NULL ELSE md5(g::text) END AS payload
           FROM generate_series(1, ${rows}) AS g`,
    );
    await sql(
      `CREATE TABLE ${tenant.schema}.events_strict (id integer, payload text NOT NULL)`,
    );
    const ir = {
      version: 1,
      nodes: [
        { id: 'events', type: 'source', table: 'events', key: ['id'] },
        {
          id: 'out',
          type: 'target',
          input: 'events',
          table: 'events_strict',
          mode: 'append',
        },
      ],
    };
    const [{ id: pipelineId }] = await sql<{ id: string }>(
      `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'strict', $2::jsonb) RETURNING id`,
      [tenant.id, JSON.stringify(ir)],
    );
    const [{ id: runId }] = await sql<{ id: string }>(
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger) VALUES ($1, $2, 'manual') RETURNING id`,
      [tenant.id, pipelineId],
    );

    side = await sideConnection(db.url, 'reliability-dlq-lock');
    await side.query('BEGIN');
    await side.query(`LOCK TABLE public.dead_letters IN EXCLUSIVE MODE`);
    const first = await startWorker('worker-3', db.url);
    workers.push(first);
    await waitFor(
      'worker-3 to isolate the rejected rows and block on its first dead letter',
      async () => {
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE application_name = 'flow' AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "public"."dead_letters"%'`,
        );
        return n === 1 && (await runRow(runId)).status === 'running';
      },
      30_000,
    );
    await first.stop('SIGKILL');
    await side.query('ROLLBACK');
    await side.end();
    side = null;
    await waitFor(
      'the killed worker’s sessions to end',
      async () => {
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flow'`,
        );
        return n === 0;
      },
      30_000,
    );
    const count = async (table: string, where = 'true') =>
      (
        await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
        )
      )[0].n;
    const afterKill = {
      target: await count(`${tenant.schema}.events_strict`),
      letters: await count('dead_letters', `pipeline_id = '${pipelineId}'`),
    };
    expect(afterKill).toEqual({ target: 0, letters: 0 });

    await sql(
      `UPDATE pipeline_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`,
      [runId],
    );
    const second = await startWorker('worker-4', db.url);
    workers.push(second);
    await waitFor(
      'the reaper to requeue the run',
      async () => (await runRow(runId)).status === 'queued',
      30_000,
      250,
    );
    await sql(
      `UPDATE pipeline_runs SET available_at = now() WHERE id = $1 AND status = 'queued'`,
      [runId],
    );
    const retryStarted = performance.now();
    await waitFor(
      'the retry to succeed',
      async () => (await runRow(runId)).status === 'succeeded',
      120_000,
      250,
    );
    const retryMs = performance.now() - retryStarted;
    const bad = rows / every;
    const [target] = await sql<{ rows: number; distinct_ids: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS distinct_ids FROM ${tenant.schema}.events_strict`,
    );
    const [letters] = await sql<{
      letters: number;
      distinct_keys: number;
      write_kind: number;
    }>(
      `SELECT count(*)::int AS letters, count(DISTINCT row_key)::int AS distinct_keys,
              count(*) FILTER (WHERE kind = 'write' AND node_id = 'out' AND reason LIKE 'null value in column "payload"%')::int AS write_kind
         FROM dead_letters WHERE pipeline_id = $1`,
      [pipelineId],
    );
    const done = await runRow(runId);
    report('worker-crash-isolated-writes', {
      sourceRows: rows,
      rejectedRows: bad,
      rowsWrittenByKilledAttempt: afterKill.target,
      lettersWrittenByKilledAttempt: afterKill.letters,
      retrySucceededAfterMs: retryMs,
      targetRows: target.rows,
      duplicates: target.rows - target.distinct_ids,
      letters: letters.letters,
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      attempt: 2,
      rows_written: rows - bad,
    });
    expect(target).toEqual({ rows: rows - bad, distinct_ids: rows - bad });
    expect(letters).toEqual({
      letters: bad,
      distinct_keys: bad,
      write_kind: bad,
    });
  }, 240_000);
});
