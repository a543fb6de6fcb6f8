import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
export const API_BUNDLE = resolve(WORKSPACE_ROOT, 'dist/apps/api/main.js');
export const CRON_SECRET = 'reliability-cron-secret-0123456789';
export const JWT_SECRET = 'reliability-jwt-secret-0123456789';

/** A child process of this suite: its output is kept (last 400 lines) for failure messages. */
export interface Child {
  name: string;
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** Sends the signal and waits (bounded) for the exit; escalates to SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Resolves with the first output line matching `pattern`; rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
}

export interface ApiProcess extends Child {
  port: number;
  baseUrl: string;
}

const children = new Set<Child>();

/** Every child this suite started and that is still alive gets SIGKILLed (call it in afterAll). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop('SIGKILL', 5_000)));
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): Child {
  const child = spawn(command, args, {
    cwd: WORKSPACE_ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined)
    throw new Error(`${name}: could not spawn ${command}`);
  const output: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 400) output.shift();
      for (const listener of listeners) listener(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null =
    null;
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((done) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      children.delete(handle);
      done(exitInfo);
    });
  });
  const handle: Child = {
    name,
    child,
    pid: child.pid,
    output,
    exited,
    alive: () => exitInfo === null,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (exitInfo) return;
      child.kill(signal);
      const timer = new Promise<'timeout'>((done) =>
        setTimeout(() => done('timeout'), graceMs).unref(),
      );
      if ((await Promise.race([exited, timer])) === 'timeout' && !exitInfo) {
        child.kill('SIGKILL');
        await Promise.race([
          exited,
          new Promise((done) => setTimeout(done, 5_000).unref()),
        ]);
      }
    },
    waitForLine(pattern, timeoutMs) {
      const seen = output.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((done, fail) => {
        const finish = (error: Error | null, line?: string) => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) fail(error);
          else done(line as string);
        };
        const listener = (line: string) => {
          if (pattern.test(line)) finish(null, line);
        };
        const timer = setTimeout(
          () =>
            finish(
              new Error(
                `${name}: no line matching ${pattern} within ${timeoutMs} ms\n${output.slice(-40).join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        listeners.add(listener);
        void exited.then((info) =>
          finish(
            new Error(
              `${name} exited (${JSON.stringify(info)}) before printing ${pattern}\n${output.slice(-40).join('\n')}`,
            ),
          ),
        );
      });
    },
  };
  children.add(handle);
  return handle;
}

function bundleEnv(
  databaseUrl: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    CRON_SECRET,
    AUTH_JWT_SECRET: JWT_SECRET,
    SCHEDULER_INTERNAL_TICK: 'false',
    WORKER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    TZ: 'UTC',
    ...extra,
  };
}

function assertBundle(): void {
  if (!existsSync(API_BUNDLE))
    throw new Error(
      `${API_BUNDLE} is missing: run \`npx nx build api\` (the reliability target depends on it)`,
    );
}

/** `node dist/apps/api/main.js serve` on a free port; resolves once `/api/v1/health/live` answers. */
export async function startApi(
  name: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  assertBundle();
  const port = await freePort();
  const child = spawnChild(
    name,
    process.execPath,
    [API_BUNDLE, 'serve'],
    bundleEnv(databaseUrl, { PORT: String(port), HOST: '127.0.0.1', ...env }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (!child.alive())
      throw new Error(
        `${name} exited during start\n${child.output.slice(-40).join('\n')}`,
      );
    try {
      const response = await fetch(`${baseUrl}/api/v1/health/live`, {
        signal: AbortSignal.timeout(1_000),
      });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.stop('SIGKILL');
      throw new Error(
        `${name} did not become live within 45 s\n${child.output.slice(-40).join('\n')}`,
      );
    }
    await sleep(200);
  }
  return { ...child, port, baseUrl };
}

/** `node dist/apps/api/main.js worker`; resolves once it says it is running. */
export async function startWorker(
  name: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<Child> {
  assertBundle();
  const child = spawnChild(
    name,
    process.execPath,
    [API_BUNDLE, 'worker'],
    bundleEnv(databaseUrl, {
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '1',
      ...env,
    }),
  );
  await child.waitForLine(/Worker process running/, 45_000);
  return child;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `check` every `intervalMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    await sleep(intervalMs);
  }
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  ms: number;
}

/** One HTTP call with a timeout; never throws for HTTP statuses (network errors → status 0). */
export async function http<T = unknown>(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<HttpAnswer<T>> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return {
      status: response.status,
      body: body as T,
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      status: 0,
      body: String(error) as T,
      ms: performance.now() - started,
    };
  }
}

export const tickUrl = (api: ApiProcess) =>
  `${api.baseUrl}/api/v1/cron/flow-scheduler-tick`;
export const cronHeaders = { authorization: `Bearer ${CRON_SECRET}` };
