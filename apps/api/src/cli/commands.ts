import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import {
  ConfigError,
  createHttpApp,
  FlowConfigModule,
  loadConfig,
  logStartupDone,
  usePrettyLogs,
  type FlowConfig,
} from '@flow/api/core';
import { DatabaseModule } from '@flow/api/db';
import { FilesModule } from '@flow/api/files';
import { RunsModule } from '@flow/api/runs';
import { StreamsModule } from '@flow/api/streams';
import { signTenantToken, TenantsService } from '@flow/api/tenancy';

import { AppModule } from '../app/app.module';
import { resolveConsoleDir, serveConsole } from '../app/console-static';
import { openRuntime, type Runtime } from '../app/runtime';
import {
  CliError,
  parseArgs,
  parseRole,
  parseTtl,
  positiveInteger,
} from './args';
import { DEMO_TENANT_SLUG, seedDemo } from './demo-seed';
import { PERF_SEED_DEFAULTS, seedPerf } from './perf-seed';

const USAGE = `Usage: flow <command>
  serve                                   start the api (default)
  worker                                  run only the worker and the reaper (no HTTP), whatever WORKER_ENABLED says
  watcher                                 run only the source watcher (no HTTP), whatever FILE_WATCHER_ENABLED says
  stream-worker                           run only the stream worker (no HTTP); needs FLOW_STREAMING_ENABLED=true
  migrate                                 apply database migrations and exit
  tenant create <slug> [--name N] [--timezone Z]
                                          create a tenant and its schema; prints {"id","slug"}
  token --tenant <slug> [--role editor] [--ttl 1h]
                                          print a tenant JWT (HS256, AUTH_JWT_SECRET); role viewer|editor|admin
  seed demo                               the demo tenant, its tables and ~25 pipelines
  seed perf [--tenants 10] [--pipelines 1000] [--rows 100000] [--history 5] [--all-scheduled] [--no-runs]
                                          the perf dataset (tenants perf-01…); prints the tenants as JSON`;

/** Runs one CLI command; resolves with the process exit code. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  const { positionals, options } = parseArgs(argv);
  const [command = 'serve', sub] = positionals;
  let config: FlowConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    switch (command) {
      case 'serve':
        await serve(config);
        return 0;
      case 'worker':
        await runWorker(config);
        return 0;
      case 'watcher':
        await runWatcher(config);
        return 0;
      case 'stream-worker':
        if (!config.streamingEnabled)
          throw new CliError(
            'stream-worker: streaming is off (set FLOW_STREAMING_ENABLED=true)',
          );
        await runStreamWorker(config);
        return 0;
      case 'migrate':
        await withRuntime(config, async () => undefined);
        process.stdout.write('Migrations applied\n');
        return 0;
      case 'tenant': {
        if (sub !== 'create' || !positionals[2])
          throw new CliError(
            'usage: tenant create <slug> [--name N] [--timezone Z]',
          );
        const tenant = await withContext(config, (app) =>
          app.get(TenantsService).create({
            slug: positionals[2],
            name: options.get('name'),
            timezone: options.get('timezone'),
          }),
        );
        process.stdout.write(
          `${JSON.stringify({ id: tenant.tenant.id, slug: tenant.tenant.slug })}\n`,
        );
        return 0;
      }
      case 'token': {
        const slug = options.get('tenant');
        if (!slug)
          throw new CliError(
            'usage: token --tenant <slug> [--role editor] [--ttl 1h]',
          );
        const ttl = parseTtl(options.get('ttl') ?? '1h');
        const role = parseRole(options.get('role') ?? 'editor');
        const token = await withContext(config, async (app, runtime) => {
          const tenant = await app.get(TenantsService).findBySlug(slug);
          if (!tenant)
            throw new CliError(
              `no tenant with slug "${slug}" (create it with: tenant create ${slug})`,
            );
          if (!runtime.config.authJwtSecret)
            throw new CliError(
              'token needs AUTH_JWT_SECRET (with AUTH_JWKS_URL your identity provider issues tokens)',
            );
          return signTenantToken(runtime.config.authJwtSecret, tenant.id, ttl, {
            role,
            roleClaim: runtime.config.authRoleClaim,
          });
        });
        process.stdout.write(`${token}\n`);
        return 0;
      }
      case 'seed': {
        if (sub === 'perf') {
          // The perf dataset (apps/api/src/cli/perf-seed.ts): no in-process tick or polling worker while seeding; the
          // seed drains its own target-writer runs.
          const perfConfig: FlowConfig = {
            ...config,
            schedulerInternalTick: false,
            workerEnabled: false,
          };
          const tenants = await withContext(perfConfig, (app) =>
            seedPerf(app, {
              tenants: positiveInteger(
                'tenants',
                options.get('tenants'),
                PERF_SEED_DEFAULTS.tenants,
                999,
              ),
              pipelines: positiveInteger(
                'pipelines',
                options.get('pipelines'),
                PERF_SEED_DEFAULTS.pipelines,
                100_000,
              ),
              rows: positiveInteger(
                'rows',
                options.get('rows'),
                PERF_SEED_DEFAULTS.rows,
                50_000_000,
              ),
              history:
                options.get('history') === '0'
                  ? 0
                  : positiveInteger(
                      'history',
                      options.get('history'),
                      PERF_SEED_DEFAULTS.history,
                      100,
                    ),
              allScheduled: options.get('all-scheduled') === 'true',
              runTargets: options.get('no-runs') !== 'true',
              prefix: options.get('prefix') ?? PERF_SEED_DEFAULTS.prefix,
              log: (line) => process.stderr.write(`${line}\n`),
            }),
          );
          process.stdout.write(
            `${JSON.stringify(tenants.map(({ id, slug }) => ({ id, slug })))}\n`,
          );
          return 0;
        }
        if (sub !== 'demo')
          throw new CliError(
            'usage: seed demo | seed perf --tenants N --pipelines M',
          );
        const tenant = await withContext(config, (app) => seedDemo(app));
        process.stdout.write(
          `${JSON.stringify({ id: tenant.id, slug: tenant.slug })}\n`,
        );
        return 0;
      }
      case 'help':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new CliError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function withRuntime<T>(
  config: FlowConfig,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(config, { poolSize: 4 });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

async function withContext<T>(
  config: FlowConfig,
  work: (app: INestApplicationContext, runtime: Runtime) => Promise<T>,
): Promise<T> {
  return withRuntime(config, async (runtime) => {
    const app = await NestFactory.createApplicationContext(
      AppModule.register(runtime.config, runtime.dataSource),
      { logger: ['error', 'warn'] },
    );
    try {
      return await work(app, runtime);
    } finally {
      // The runtime owns the DataSource; close the context without destroying it twice.
      await app.close();
    }
  });
}

/**
 * The worker as a process of its own: claims and executes runs and reaps expired ones until SIGTERM/SIGINT, then
 * stops claiming, lets running executions finish (bounded) and exits. No HTTP server, no tick.
 */
async function runWorker(config: FlowConfig): Promise<void> {
  const logger = new Logger('Flow');
  const runtime = await openRuntime(config, {
    poolSize: config.workerConcurrency * 2 + 2,
  });
  const workerConfig: FlowConfig = { ...runtime.config, workerEnabled: true };
  const app = await NestFactory.createApplicationContext(
    {
      module: class WorkerProcessModule {},
      imports: [
        FlowConfigModule.forRoot(workerConfig),
        DatabaseModule.forDataSource(runtime.dataSource),
        RunsModule.register(),
      ],
    },
    { logger: ['log', 'error', 'warn'] },
  );
  await app.init();
  logger.log(
    `Worker process running (${workerConfig.workerConcurrency} slot(s)); SIGTERM or SIGINT stops it`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.log(`${signal} received, finishing running executions`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // Closing the context stops claiming and waits for running executions (WorkerService.beforeApplicationShutdown).
  await app.close();
  await runtime.close();
}

/**
 * The stream worker as a process of its own (DESIGN §16): consumes every stream pipeline's partitions until
 * SIGTERM/SIGINT, then finishes each batch in flight (committed and acknowledged) and exits. Run it with
 * `STREAM_WORKER_ENABLED=false` on the api processes, so that one worker owns the consumers.
 */
async function runStreamWorker(config: FlowConfig): Promise<void> {
  const logger = new Logger('Flow');
  const runtime = await openRuntime(config);
  const app = await NestFactory.createApplicationContext(
    {
      module: class StreamWorkerProcessModule {},
      imports: [
        FlowConfigModule.forRoot(runtime.config),
        DatabaseModule.forDataSource(runtime.dataSource),
        StreamsModule.register({ autoStart: true }),
      ],
    },
    { logger: ['log', 'error', 'warn'] },
  );
  await app.init();
  logger.log('Stream worker running; SIGTERM or SIGINT stops it');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.log(`${signal} received, finishing the batches in flight`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await app.close();
  await runtime.close();
}

/**
 * The source watcher as a process of its own: registers arrived files and queues their runs until SIGTERM/SIGINT.
 * Any number may run; one scans at a time (advisory lock). No HTTP server, no worker, no tick.
 */
async function runWatcher(config: FlowConfig): Promise<void> {
  const logger = new Logger('Flow');
  const runtime = await openRuntime(config, { poolSize: 3 });
  const watcherConfig: FlowConfig = {
    ...runtime.config,
    fileWatcherEnabled: true,
  };
  const app = await NestFactory.createApplicationContext(
    {
      module: class WatcherProcessModule {},
      imports: [
        FlowConfigModule.forRoot(watcherConfig),
        DatabaseModule.forDataSource(runtime.dataSource),
        FilesModule,
      ],
    },
    { logger: ['log', 'error', 'warn'] },
  );
  await app.init();
  logger.log(
    `Source watcher running on ${watcherConfig.landingDir}; SIGTERM or SIGINT stops it`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await app.close();
  await runtime.close();
}

async function serve(config: FlowConfig): Promise<void> {
  const logger = new Logger('Flow');
  const runtime = await openRuntime(config);
  const app = await createHttpApp(
    AppModule.register(runtime.config, runtime.dataSource, {
      quietStartup: true,
    }),
    runtime.config,
    {
      configure: (instance) =>
        serveConsole(
          instance,
          resolveConsoleDir(runtime.config.consoleDir),
          runtime.config,
        ),
    },
  );
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: runtime.config.port, host: runtime.config.host });
  const origin = `http://localhost:${runtime.config.port}`;
  if (runtime.embedded) {
    const tenant = await seedDemo(app);
    const token = await signTenantToken(
      runtime.config.authJwtSecret as string,
      tenant.id,
      24 * 3600,
      {
        subject: 'flow-dev',
        role: 'admin',
        roleClaim: runtime.config.authRoleClaim,
      },
    );
    process.stdout.write(
      [
        '',
        `Flow is running (embedded PostgreSQL in ${runtime.config.dataDir}/)`,
        `  Console:     ${origin}/data/scheduler#token=${token}`,
        `  API:         ${origin}/api/v1   (OpenAPI: ${origin}/api/docs)`,
        `  Tenant:      ${DEMO_TENANT_SLUG} (id ${tenant.id}); the token (role admin) is valid for 24 h`,
        `  Token:       ${token}`,
        `  CRON_SECRET: ${runtime.config.cronSecret}`,
        `  Tick:        curl -H "Authorization: Bearer ${runtime.config.cronSecret}" ${origin}/api/v1/cron/flow-scheduler-tick`,
        `  Started in ${startupSeconds()} (Ctrl+C stops it; logs below${usePrettyLogs(runtime.config) ? '' : ' as JSON'}, LOG_FORMAT=json|pretty)`,
        '',
      ].join('\n') + '\n',
    );
    logStartupDone(runtime.config);
  } else {
    logStartupDone(runtime.config);
    logger.log(
      `Listening on ${runtime.config.host}:${runtime.config.port}, started in ${startupSeconds()}`,
    );
  }
}

/** Since `npm start` began (FLOW_STARTED_AT, set by tools/start.mjs, includes the build) or since this process began. */
function startupSeconds(): string {
  const since = Number(process.env['FLOW_STARTED_AT']);
  const seconds =
    Number.isFinite(since) && since > 0
      ? (Date.now() - since) / 1000
      : process.uptime();
  return `${seconds.toFixed(1)} s`;
}
