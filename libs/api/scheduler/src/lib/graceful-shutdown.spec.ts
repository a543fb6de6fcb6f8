import { Client } from 'pg';

import { AppLifecycle } from '@flow/api/core';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';

import { SchedulerModule } from './scheduler.module';
import { TICK_LOCK_KEY } from './scheduler.repository';
import { TickService } from './tick.service';

describe('graceful shutdown', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp([SchedulerModule]);
  });

  afterAll(async () => {
    await t.db.drop();
  });

  it('lets the running tick commit and release the lock, and refuses ticks that arrive while shutting down', async () => {
    const tenant = await t.createTenant('shutdown');
    const [{ id }] = await t.db.dataSource.query(
      `WITH p AS (
         INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
         VALUES ($1, 'p', '{"version":1,"schedule":{"type":"cron","expression":"* * * * *"},"nodes":[]}', 'cron')
         RETURNING id, tenant_id
       )
       INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at)
       SELECT id, tenant_id, date_trunc('minute', now()) - interval '5 minutes', date_trunc('minute', now()) FROM p
       RETURNING pipeline_id AS id`,
      [tenant.id],
    );
    // Another session holds the pipeline's state row, so the tick blocks mid-transaction while we shut down.
    const blocker = new Client({ connectionString: t.db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      'SELECT 1 FROM pipeline_state WHERE pipeline_id = $1 FOR UPDATE',
      [id],
    );
    const ticks = t.app.get(TickService);
    const lifecycle = t.app.get(AppLifecycle);
    const running = ticks.tick({ caller: 'test' });
    await waitFor(
      async () =>
        (
          await t.db.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`,
          )
        )[0].n === 1,
    );
    const closing = t.app.close();
    await waitFor(async () => lifecycle.draining);
    expect(await ticks.tick({ caller: 'test' })).toEqual({
      skipped: true,
      reason: 'shutting_down',
    });
    await blocker.query('COMMIT');
    await blocker.end();
    expect(await running).toMatchObject({ skipped: false, dispatched: 1 });
    await closing;
    const probe = new Client({ connectionString: t.db.url });
    await probe.connect();
    const { rows } = await probe.query(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [TICK_LOCK_KEY],
    );
    await probe.end();
    expect(rows[0].locked).toBe(true);
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM pipeline_runs WHERE pipeline_id = $1`,
      [id],
    );
    expect(n).toBe(1);
  });
});

async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
