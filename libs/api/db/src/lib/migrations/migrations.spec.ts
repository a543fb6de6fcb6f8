import { DataSource } from 'typeorm';

import { createTestDatabase, type TestDatabase } from '../../testing';
import { dataSourceOptions, runMigrations } from '../data-source';
import { InitialSchema1764230400000 } from './1764230400000-initial-schema';
import { DeadLetterLifecycle1796160000000 } from './1796160000000-dead-letter-lifecycle';
import { PipelineVersions1796213000000 } from './1796213000000-pipeline-versions';
import { MIGRATIONS } from './index';

describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('creates the control-plane tables', async () => {
    const rows: { table_name: string }[] = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(rows.map((row) => row.table_name)).toEqual([
      'dead_letters',
      'file_arrivals',
      'flow_migrations',
      'pipeline_runs',
      'pipeline_state',
      'pipeline_versions',
      'pipelines',
      'scheduler_ticks',
      'stream_offsets',
      'tenants',
    ]);
  });

  it('applies nothing the second time, also when two runs race', async () => {
    const [first, second] = await Promise.all([
      runMigrations(db.dataSource),
      runMigrations(db.dataSource),
    ]);
    expect([...first, ...second]).toEqual([]);
  });

  it('makes (pipeline_id, scheduled_for) the identity of a scheduled fire, while manual runs never conflict', async () => {
    const [tenant] = await db.dataSource.query(
      `INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme') RETURNING id`,
    );
    const [pipeline] = await db.dataSource.query(
      `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'p', '{}') RETURNING id`,
      [tenant.id],
    );
    const insertFire = `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for) VALUES ($1, $2, 'schedule', '2027-01-01T00:00:00Z')
                        ON CONFLICT (pipeline_id, scheduled_for) DO NOTHING RETURNING id`;
    expect(
      await db.dataSource.query(insertFire, [tenant.id, pipeline.id]),
    ).toHaveLength(1);
    expect(
      await db.dataSource.query(insertFire, [tenant.id, pipeline.id]),
    ).toHaveLength(0);
    const insertManual = `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger) VALUES ($1, $2, 'manual') RETURNING id`;
    await db.dataSource.query(insertManual, [tenant.id, pipeline.id]);
    await db.dataSource.query(insertManual, [tenant.id, pipeline.id]);
    const [{ count }] = await db.dataSource.query(
      `SELECT count(*) FROM pipeline_runs WHERE pipeline_id = $1`,
      [pipeline.id],
    );
    expect(count).toBe(3);
  });

  it('rejects a scheduled run without its fire time and a malformed tenant slug', async () => {
    const [tenant] = await db.dataSource.query(
      `INSERT INTO tenants (slug, name) VALUES ('beta', 'Beta') RETURNING id`,
    );
    const [pipeline] = await db.dataSource.query(
      `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'p', '{}') RETURNING id`,
      [tenant.id],
    );
    await expect(
      db.dataSource.query(
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger) VALUES ($1, $2, 'schedule')`,
        [tenant.id, pipeline.id],
      ),
    ).rejects.toThrow(/pipeline_runs_schedule_has_fire/);
    await expect(
      db.dataSource.query(
        `INSERT INTO tenants (slug, name) VALUES ('Bad_Slug', 'x')`,
      ),
    ).rejects.toThrow(/tenants_slug_format/);
  });

  it('moves the schedule and last-run state of existing pipelines into pipeline_state, computing the previous fire', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      const initialOnly = new DataSource({
        ...dataSourceOptions({ url: old.url, poolSize: 1 }),
        migrations: [InitialSchema1764230400000],
      });
      await initialOnly.initialize();
      await initialOnly.runMigrations();
      const [tenant] = await initialOnly.query(
        `INSERT INTO tenants (slug, name, timezone) VALUES ('before', 'Before', 'Europe/Berlin') RETURNING id`,
      );
      const hourly = JSON.stringify({
        version: 1,
        schedule: { type: 'cron', expression: '0 * * * *' },
        nodes: [],
      });
      // Scheduled and ticked (next fire 10:00 Berlin, so the previous one is 09:00); created after that previous
      // fire (nothing expected yet); paused; unscheduled with a last manual run.
      await initialOnly.query(
        `INSERT INTO pipelines (tenant_id, name, ir, schedule_kind, schedule_since, next_fire_at, paused, schedule_error,
                                last_run_at, last_run_status)
         VALUES ($1, 'ticked', $2, 'cron', '2027-01-04T06:00:00Z', '2027-01-05T09:00:00Z', false, 'was broken',
                 '2027-01-05T08:00:05Z', 'succeeded'),
                ($1, 'new', $2, 'cron', '2027-01-05T08:30:00Z', '2027-01-05T09:00:00Z', false, NULL, NULL, NULL),
                ($1, 'paused', $2, 'cron', '2027-01-04T06:00:00Z', NULL, true, NULL, NULL, NULL),
                ($1, 'adhoc', '{"version":1,"nodes":[]}', NULL, NULL, NULL, false, NULL, '2027-01-02T00:00:00Z', 'failed')`,
        [tenant.id, hourly],
      );
      await initialOnly.destroy();

      // The migrations after the initial schema, this one first.
      expect((await runMigrations(old.dataSource))[0]).toBe(
        'PipelineState1764892800000',
      );
      const rows: Record<string, unknown>[] = await old.dataSource.query(
        `SELECT p.name, s.tenant_id, s.schedule_since, s.next_fire_at, s.previous_fire_at, s.schedule_error,
                s.last_run_at, s.last_run_status
           FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id ORDER BY p.name`,
      );
      const at = (iso: string | null) => (iso ? new Date(iso) : null);
      const expected = (
        name: string,
        since: string | null,
        next: string | null,
        previous: string | null,
        error: string | null,
        lastRunAt: string | null,
        lastRunStatus: string | null,
      ) => ({
        name,
        tenant_id: tenant.id,
        schedule_since: at(since),
        next_fire_at: at(next),
        previous_fire_at: at(previous),
        schedule_error: error,
        last_run_at: at(lastRunAt),
        last_run_status: lastRunStatus,
      });
      expect(rows).toEqual([
        expected(
          'adhoc',
          null,
          null,
          null,
          null,
          '2027-01-02T00:00:00Z',
          'failed',
        ),
        expected(
          'new',
          '2027-01-05T08:30:00Z',
          '2027-01-05T09:00:00Z',
          null,
          null,
          null,
          null,
        ),
        expected(
          'paused',
          '2027-01-04T06:00:00Z',
          null,
          null,
          null,
          null,
          null,
        ),
        expected(
          'ticked',
          '2027-01-04T06:00:00Z',
          '2027-01-05T09:00:00Z',
          '2027-01-05T08:00:00Z',
          'was broken',
          '2027-01-05T08:00:05Z',
          'succeeded',
        ),
      ]);
      const columns: { column_name: string }[] = await old.dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'pipelines' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => c.column_name)).toEqual([
        'id',
        'tenant_id',
        'name',
        'ir',
        'schedule_kind',
        'paused',
        'created_at',
        'updated_at',
        'version',
      ]);
    } finally {
      await old.drop();
    }
  });

  it('makes existing dead letters open validate letters, and allows the new kinds and replay runs', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      const before = new DataSource({
        ...dataSourceOptions({ url: old.url, poolSize: 1 }),
        migrations: MIGRATIONS.slice(
          0,
          MIGRATIONS.indexOf(DeadLetterLifecycle1796160000000),
        ),
      });
      await before.initialize();
      await before.runMigrations();
      const [tenant] = await before.query(
        `INSERT INTO tenants (slug, name) VALUES ('gamma', 'Gamma') RETURNING id`,
      );
      const [pipeline] = await before.query(
        `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'p', '{}') RETURNING id`,
        [tenant.id],
      );
      const [run] = await before.query(
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger) VALUES ($1, $2, 'manual') RETURNING id`,
        [tenant.id, pipeline.id],
      );
      await before.query(
        `INSERT INTO dead_letters (tenant_id, pipeline_id, run_id, node_id, row, reason)
         VALUES ($1, $2, $3, 'v', '{"id": 1}', 'not_null(amount)')`,
        [tenant.id, pipeline.id, run.id],
      );
      await before.destroy();

      expect(await runMigrations(old.dataSource)).toContain(
        'DeadLetterLifecycle1796160000000',
      );
      const letters = await old.dataSource.query(
        `SELECT kind, status, attempts, row_key, replayed_by_run_id, file, line FROM dead_letters`,
      );
      expect(letters).toEqual([
        {
          kind: 'validate',
          status: 'open',
          attempts: 0,
          row_key: null,
          replayed_by_run_id: null,
          file: null,
          line: null,
        },
      ]);
      await old.dataSource.query(
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, replay_dead_letter_ids) VALUES ($1, $2, 'replay', NULL)`,
        [tenant.id, pipeline.id],
      );
      await old.dataSource.query(
        `INSERT INTO dead_letters (tenant_id, pipeline_id, run_id, node_id, row, reason, kind) VALUES ($1, $2, $3, 'out', '{}', 'x', 'write')`,
        [tenant.id, pipeline.id, run.id],
      );
      await expect(
        old.dataSource.query(
          `INSERT INTO dead_letters (tenant_id, pipeline_id, run_id, node_id, row, reason, kind) VALUES ($1, $2, $3, 'v', '{}', 'x', 'other')`,
          [tenant.id, pipeline.id, run.id],
        ),
      ).rejects.toThrow(/dead_letters_kind_check/);
    } finally {
      await old.drop();
    }
  });

  it('gives existing pipelines version 1 with their IR, and every pipeline inserted later its first version', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      const before = new DataSource({
        ...dataSourceOptions({ url: old.url, poolSize: 1 }),
        migrations: MIGRATIONS.slice(
          0,
          MIGRATIONS.indexOf(PipelineVersions1796213000000),
        ),
      });
      await before.initialize();
      await before.runMigrations();
      const [tenant] = await before.query(
        `INSERT INTO tenants (slug, name) VALUES ('delta', 'Delta') RETURNING id`,
      );
      await before.query(
        `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'old', '{"version": 1, "nodes": []}')`,
        [tenant.id],
      );
      await before.destroy();

      expect(await runMigrations(old.dataSource)).toContain(
        'PipelineVersions1796213000000',
      );
      await old.dataSource.query(
        `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'seeded', '{"version": 1, "nodes": [{"id": "a"}]}')`,
        [tenant.id],
      );
      const versions = await old.dataSource.query(
        `SELECT p.name, p.version AS current, v.version, v.ir, v.created_by
           FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id ORDER BY p.name`,
      );
      expect(versions).toEqual([
        {
          name: 'old',
          current: 1,
          version: 1,
          ir: { version: 1, nodes: [] },
          created_by: null,
        },
        {
          name: 'seeded',
          current: 1,
          version: 1,
          ir: { version: 1, nodes: [{ id: 'a' }] },
          created_by: null,
        },
      ]);
      await old.dataSource.query(`DELETE FROM pipelines`);
      expect(
        await old.dataSource.query(
          `SELECT count(*)::int AS n FROM pipeline_versions`,
        ),
      ).toEqual([{ n: 0 }]);
    } finally {
      await old.drop();
    }
  });
});
