import type { DataSource } from 'typeorm';

/**
 * The source tables of the demo and perf datasets in a tenant's schema — `customers`, `orders`, `events` — with
 * deterministic pseudo-random rows, a few deliberately bad ones (null emails, null or negative amounts) for validate
 * nodes. Idempotent: existing tables, and tables that already hold rows, are left as they are.
 */
export async function createSourceTables(
  dataSource: DataSource,
  schema: string,
  sizes: { customers: number; orders: number; events: number },
): Promise<void> {
  const q = (table: string) => `"${schema}"."${table}"`;
  const { customers } = sizes;
  await dataSource.transaction(async (manager) => {
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${q('customers')} (
        id integer PRIMARY KEY, name text NOT NULL, email text, country text NOT NULL, segment text NOT NULL, created_at timestamptz NOT NULL)`);
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${q('orders')} (
        id integer PRIMARY KEY, customer_id integer NOT NULL, amount numeric(12,2), currency text NOT NULL,
        status text NOT NULL, created_at timestamptz NOT NULL)`);
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${q('events')} (
        id bigint PRIMARY KEY, user_id integer NOT NULL, kind text NOT NULL, page text, occurred_at timestamptz NOT NULL)`);
    await manager.query(
      `INSERT INTO ${q('customers')} (id, name, email, country, segment, created_at)
       SELECT g, 'Customer ' || g,
              CASE WHEN g % 37 = 0 THEN NULL ELSE 'customer' || g || '@example.com' END,
              (ARRAY['DE','FR','US','GB','NL','ES','IT','SE'])[1 + g % 8],
              (ARRAY['enterprise','smb','consumer'])[1 + g % 3],
              now() - make_interval(hours => g % 20000)
         FROM generate_series(1, $1::int) AS g
        WHERE NOT EXISTS (SELECT 1 FROM ${q('customers')})`,
      [customers],
    );
    await manager.query(
      `INSERT INTO ${q('orders')} (id, customer_id, amount, currency, status, created_at)
       SELECT g, (1 + (g::bigint * 7919) % $2::int)::int,
              CASE WHEN g % 101 = 0 THEN -5.00 WHEN g % 97 = 0 THEN NULL ELSE round(((g * 37) % 50000) / 100.0 + 1, 2) END,
              (ARRAY['EUR','USD','GBP'])[1 + g % 3],
              (ARRAY['paid','paid','paid','pending','refunded','cancelled'])[1 + g % 6],
              now() - make_interval(mins => (g * 13) % 43200)
         FROM generate_series(1, $1::int) AS g
        WHERE NOT EXISTS (SELECT 1 FROM ${q('orders')})`,
      [sizes.orders, customers],
    );
    await manager.query(
      `INSERT INTO ${q('events')} (id, user_id, kind, page, occurred_at)
       SELECT g, (1 + (g::bigint * 104729) % $2::int)::int,
              (ARRAY['page_view','page_view','page_view','click','signup','purchase'])[1 + g % 6],
              (ARRAY['/','/pricing','/docs','/blog','/signup','/careers','/changelog'])[1 + g % 7],
              now() - make_interval(mins => (g * 7) % 20160)
         FROM generate_series(1, $1::int) AS g
        WHERE NOT EXISTS (SELECT 1 FROM ${q('events')})`,
      [sizes.events, customers],
    );
  });
  await dataSource.query(
    `ANALYZE ${q('customers')}, ${q('orders')}, ${q('events')}`,
  );
}
