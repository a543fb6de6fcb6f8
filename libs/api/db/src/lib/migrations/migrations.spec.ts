import { createTestDatabase, type TestDatabase } from '../../testing';
import { runMigrations } from '../data-source';

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
      'flow_migrations',
      'pipeline_runs',
      'pipelines',
      'scheduler_ticks',
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
});
