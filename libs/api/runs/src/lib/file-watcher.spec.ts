import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Module } from '@nestjs/common';
import { Client } from 'pg';

import { queryRows } from '@flow/api/db';
import {
  FileArrivalsRepository,
  LANDING_STORAGE,
  SourceWatcher,
  type LandingStorage,
} from '@flow/api/files';
import { PipelinesModule } from '@flow/api/pipelines';
import type { TenantContext } from '@flow/api/tenancy';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { PipelineIr } from '@flow/contracts';

import { RunsModule } from './runs.module';
import { WorkerService } from './worker.service';

@Module({ imports: [RunsModule.register({ concurrency: 1 })] })
class TestRunsModule {}

const SETTLE_MS = 1_000;

/**
 * The source watcher on real PostgreSQL and a temporary landing directory: one run per file — across settle
 * passes, a restarted watcher, two watchers racing and a registration killed before its commit — and a file still
 * being written waits until its size is stable.
 */
describe(SourceWatcher.name, () => {
  let t: TestApp;
  let tenant: TenantContext;
  let landing: string;
  let tenantDir: string;
  let watcher: SourceWatcher;
  let pipelineId: string;

  const sql = <T = Record<string, unknown>>(
    text: string,
    parameters: unknown[] = [],
  ) => queryRows<T>(t.db.dataSource, text, parameters);

  const newWatcher = () =>
    new SourceWatcher(
      t.db.dataSource,
      t.app.get(FileArrivalsRepository),
      t.app.get<LandingStorage>(LANDING_STORAGE),
      {
        fileSettleMs: SETTLE_MS,
        fileWatcherEnabled: false,
        fileWatcherPollMs: 1_000,
      },
    );

  const runsOf = (id: string) =>
    sql<{ id: string; trigger: string; status: string }>(
      `SELECT id, trigger, status FROM pipeline_runs WHERE pipeline_id = $1 ORDER BY queued_at`,
      [id],
    );

  const ir: PipelineIr = {
    version: 1,
    trigger: { type: 'file_arrival', path: 'orders/*.csv' },
    nodes: [
      {
        id: 'orders',
        type: 'file',
        path: 'orders/*.csv',
        format: 'csv',
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'numeric' },
        ],
      },
      {
        id: 'out',
        type: 'target',
        input: 'orders',
        table: 'orders_out',
        mode: 'append',
      },
    ],
  };

  beforeAll(async () => {
    landing = await mkdtemp(join(tmpdir(), 'flow-watch-'));
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
      FLOW_LANDING_DIR: landing,
      FILE_SETTLE_MS: String(SETTLE_MS),
    });
    tenant = await t.createTenant('acme');
    const token = await t.tokenFor(tenant);
    tenantDir = join(landing, 'acme');
    await mkdir(join(tenantDir, 'orders'), { recursive: true });
    await sql(
      `CREATE TABLE tenant_acme.orders_out (id integer, amount numeric)`,
    );
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'orders', ir },
    });
    expect(created.statusCode).toBe(201);
    pipelineId = created.json<{ id: string }>().id;
    watcher = newWatcher();
  });

  afterAll(async () => {
    await t.close();
    await rm(landing, { recursive: true, force: true });
  });

  it('dispatches one run per settled file, once, and the run loads that file', async () => {
    await writeFile(join(tenantDir, 'orders/a.csv'), 'id,amount\n1,10\n2,20\n');
    const start = Date.now();

    expect(await watcher.scan(start)).toEqual({
      scanned: true,
      dispatched: [],
      settling: 1,
    });
    const first = await watcher.scan(start + SETTLE_MS + 10);
    expect(first.dispatched).toHaveLength(1);
    expect(await watcher.scan(start + 3 * SETTLE_MS)).toEqual({
      scanned: true,
      dispatched: [],
      settling: 0,
    });
    // A restarted watcher (empty memory) finds the same file registered.
    const restarted = newWatcher();
    await restarted.scan(start);
    expect((await restarted.scan(start + SETTLE_MS + 10)).dispatched).toEqual(
      [],
    );
    expect(await runsOf(pipelineId)).toEqual([
      { id: first.dispatched[0], trigger: 'file', status: 'queued' },
    ]);

    await t.app.get(WorkerService).drain();

    expect(await runsOf(pipelineId)).toEqual([
      { id: first.dispatched[0], trigger: 'file', status: 'succeeded' },
    ]);
    expect(
      await sql(
        `SELECT id, amount::text FROM tenant_acme.orders_out ORDER BY id`,
      ),
    ).toEqual([
      { id: 1, amount: '10' },
      { id: 2, amount: '20' },
    ]);
    expect(existsSync(join(tenantDir, '.processed/orders/a.csv'))).toBe(true);
  });

  it('waits while a file is still being written', async () => {
    const path = join(tenantDir, 'orders/b.csv');
    await writeFile(path, 'id,amount\n3,');
    const start = Date.now();
    await watcher.scan(start);
    await appendFile(path, '30\n');
    expect(await watcher.scan(start + SETTLE_MS + 10)).toMatchObject({
      dispatched: [],
      settling: 1,
    });
    expect(
      (await watcher.scan(start + 2 * SETTLE_MS + 20)).dispatched,
    ).toHaveLength(1);
    const [arrival] = await sql<{ size: string }>(
      `SELECT size::text FROM file_arrivals WHERE path = 'orders/b.csv'`,
    );
    expect(arrival.size).toBe(String('id,amount\n3,30\n'.length));
  });

  it('dispatches once with two watchers scanning at the same time', async () => {
    await writeFile(join(tenantDir, 'orders/c.csv'), 'id,amount\n4,40\n');
    const [one, two] = [newWatcher(), newWatcher()];
    const start = Date.now();
    await Promise.all([one.scan(start), two.scan(start)]);
    // Sequenced by the lock or not, the UNIQUE identity lets only one registration through.
    for (let attempt = 0; attempt < 20; attempt++) {
      await Promise.all([
        one.scan(start + SETTLE_MS + 10),
        two.scan(start + SETTLE_MS + 10),
      ]);
    }
    const registered = await Promise.all(
      [1, 2, 3].map(() =>
        t.app.get(FileArrivalsRepository).register({
          tenantId: tenant.id,
          pipelineId,
          nodeId: 'orders',
          path: 'orders/c.csv',
          size: 15,
          sha256: 'same',
        }),
      ),
    );
    expect(registered.filter((id) => id !== null)).toHaveLength(1);
    expect(
      await sql(
        `SELECT count(*)::int AS n FROM file_arrivals WHERE path = 'orders/c.csv' AND sha256 <> 'same'`,
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('registers a file whose first registration was killed before its commit, once', async () => {
    await writeFile(join(tenantDir, 'orders/d.csv'), 'id,amount\n5,50\n');
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    client.on('error', () => undefined);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO file_arrivals (tenant_id, pipeline_id, node_id, path, size, sha256) VALUES ($1, $2, 'orders', 'orders/d.csv', 15, 'x')`,
      [tenant.id, pipelineId],
    );
    const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid'))
      .rows as { pid: number }[];
    await sql('SELECT pg_terminate_backend($1)', [pid]);
    await client.end().catch(() => undefined);

    const start = Date.now();
    await watcher.scan(start);
    expect(
      (await watcher.scan(start + SETTLE_MS + 10)).dispatched,
    ).toHaveLength(1);
    expect(
      await sql(
        `SELECT count(*)::int AS n, count(run_id)::int AS with_run FROM file_arrivals WHERE path = 'orders/d.csv'`,
      ),
    ).toEqual([{ n: 1, with_run: 1 }]);
  });
});
