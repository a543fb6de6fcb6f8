import { randomBytes } from 'node:crypto';

import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import { createDataSource, runMigrations } from './lib/data-source';

/**
 * Test support: every test file gets a database of its own on the PostgreSQL that the Jest global setup started
 * (or on TEST_DATABASE_URL), migrated to the current schema, and dropped afterwards.
 */
export interface TestDatabase {
  url: string;
  name: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url)
    throw new Error(
      'TEST_DATABASE_URL is not set: run the tests through Jest (its global setup starts PostgreSQL)',
    );
  return url;
}

export async function createTestDatabase(
  options: { migrate?: boolean; poolSize?: number } = {},
): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `flow_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  const dataSource = createDataSource({
    url,
    poolSize: options.poolSize ?? 5,
    applicationName: 'flow-test',
  });
  await dataSource.initialize();
  if (options.migrate !== false) await runMigrations(dataSource);
  return {
    url,
    name,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(
        serverUrl,
        `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
      );
    },
  };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
