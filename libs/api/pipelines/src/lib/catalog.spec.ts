import { queryRows } from '@flow/api/db';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';

import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';

describe(CatalogService.name, () => {
  let db: TestDatabase;
  let repository: CatalogRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    repository = new CatalogRepository(db.dataSource);
    await queryRows(db.dataSource, `CREATE SCHEMA tenant_a`);
    await queryRows(db.dataSource, `CREATE SCHEMA tenant_b`);
    await queryRows(
      db.dataSource,
      `CREATE TABLE tenant_a.orders (id integer, amount numeric(10,2), note varchar(20), created_at timestamptz)`,
    );
    await queryRows(
      db.dataSource,
      `CREATE TABLE tenant_b.secrets (id integer)`,
    );
  });

  afterAll(async () => {
    await db.drop();
  });

  describe('load', () => {
    it("reads one schema's tables with columns in ordinal order and information_schema types", async () => {
      const catalog = await repository.load('tenant_a');
      expect(catalog.schema).toBe('tenant_a');
      expect([...catalog.tables.keys()]).toEqual(['orders']);
      expect(catalog.tables.get('orders')?.columns).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'amount', type: 'numeric' },
        { name: 'note', type: 'character varying' },
        { name: 'created_at', type: 'timestamp with time zone' },
      ]);
    });

    it('knows nothing of other schemas (another tenant, public, pg_catalog)', async () => {
      const catalog = await repository.load('tenant_a');
      for (const table of [
        'secrets',
        'tenants',
        'pipelines',
        'pg_authid',
        'pg_class',
      ])
        expect(catalog.tables.has(table)).toBe(false);
    });
  });

  describe('cache', () => {
    it('serves a cached catalog until invalidated, and shares one load between concurrent callers', async () => {
      const load = jest.spyOn(repository, 'load');
      const service = new CatalogService(repository);
      const [first, second] = await Promise.all([
        service.get('tenant_a'),
        service.get('tenant_a'),
      ]);
      expect(first).toBe(second);
      expect(load).toHaveBeenCalledTimes(1);

      await queryRows(
        db.dataSource,
        `CREATE TABLE tenant_a.created_later (id integer)`,
      );
      expect((await service.get('tenant_a')).tables.has('created_later')).toBe(
        false,
      );
      service.invalidate('tenant_a');
      expect((await service.get('tenant_a')).tables.has('created_later')).toBe(
        true,
      );
      expect(load).toHaveBeenCalledTimes(2);
      load.mockRestore();
    });

    it('expires entries after the TTL', async () => {
      const service = new CatalogService(repository);
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
      const first = await service.get('tenant_b');
      now.mockReturnValue(1_000_000 + 9_999);
      expect(await service.get('tenant_b')).toBe(first);
      now.mockReturnValue(1_000_000 + 10_001);
      expect(await service.get('tenant_b')).not.toBe(first);
      now.mockRestore();
    });

    it('does not cache a failed load', async () => {
      const service = new CatalogService(repository);
      const load = jest
        .spyOn(repository, 'load')
        .mockRejectedValueOnce(new Error('connection lost'));
      await expect(service.get('tenant_b')).rejects.toThrow('connection lost');
      expect((await service.get('tenant_b')).tables.has('secrets')).toBe(true);
      load.mockRestore();
    });
  });
});
