import { Client } from 'pg';

import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';

export type { TestDatabase };

/** A migrated database of its own on the suite's PostgreSQL (the Jest global setup's throwaway server). */
export function freshDatabase(poolSize = 4): Promise<TestDatabase> {
  return createTestDatabase({ poolSize });
}

/** Creates a tenant and its schema the way TenantsService does (one transaction). */
export async function createTenant(
  db: TestDatabase,
  slug: string,
  timezone = 'UTC',
): Promise<{ id: string; slug: string; schema: string }> {
  const schema = `tenant_${slug.replace(/-/g, '_')}`;
  return db.dataSource.transaction(async (manager) => {
    const [row] = (await manager.query(
      `INSERT INTO tenants (slug, name, timezone) VALUES ($1, $1, $2) RETURNING id`,
      [slug, timezone],
    )) as { id: string }[];
    await manager.query(`CREATE SCHEMA "${schema}"`);
    return { id: row.id, slug, schema };
  });
}

/** A pg client outside any pool (side connections that hold locks, probes). Caller ends it. */
export async function sideConnection(
  url: string,
  applicationName = 'reliability-side',
): Promise<Client> {
  const client = new Client({
    connectionString: url,
    application_name: applicationName,
  });
  await client.connect();
  return client;
}

/** Sessions holding the tick's advisory lock (0x666c6f77 = classid 0, objid 1718382455). */
export async function tickLockHolders(client: Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND granted`,
    [0x666c6f77],
  );
  return rows[0].n;
}
