// `npm test`: every check the project has, in order, against one PostgreSQL for the whole run (TEST_DATABASE_URL,
// or an embedded server started here), stopping at the first failing stage.
import { startThrowawayPostgres } from './jest/postgres-global-setup.mjs';
import { nxEnv, run } from './run-steps.mjs';

const stages = [
  ['format', 'npx', ['nx', 'format:check', '--all']],
  [
    'lint, unit + integration tests, build',
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'lint',
      'test',
      'build',
      '--parallel=2',
      '--outputStyle=static',
    ],
  ],
  // After the build: spawns the built api (3 api processes and concurrent ticks, SIGKILL mid-tick, a PostgreSQL
  // restart, a worker crash) plus hostile input, auth and isolation in-process; prints its figures. docs/reliability.md
  [
    'reliability',
    'npx',
    ['nx', 'run', 'api-reliability:reliability', '--outputStyle=static'],
  ],
  // The built api + console against PostgreSQL (its own database on TEST_DATABASE_URL), in Debian's chromium; the
  // api and console builds it depends on are cache hits after the stage above.
  [
    'console e2e (Playwright)',
    'npx',
    ['nx', 'e2e', 'console-e2e', '--outputStyle=static'],
  ],
  // The k6 baseline's stand-in (tools/perf/ci-load.mjs): the api on a CI-sized perf dataset in a scratch database of
  // this run's PostgreSQL, 50 connections for 20 s, gated on the seed budget (the target budget is reported).
  [
    'perf load (seed budget)',
    'npx',
    ['nx', 'run', 'perf:load', '--outputStyle=static'],
    () => ({
      PERF_DATABASE_URL:
        process.env.PERF_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
    }),
  ],
];

let server = null;
if (!process.env.TEST_DATABASE_URL) {
  server = await startThrowawayPostgres();
  process.env.TEST_DATABASE_URL = server.url;
}
let failed = null;
try {
  for (const [name, command, args, stageEnv] of stages) {
    console.log(`\n=== ${name} ===`);
    const code = await run(command, args, {
      env: { ...nxEnv, ...stageEnv?.() },
    });
    if (code !== 0) {
      failed = name;
      break;
    }
  }
} finally {
  await server?.stop();
}
if (failed) {
  console.error(`\nnpm test: stage "${failed}" failed`);
  process.exit(1);
}
console.log('\nnpm test: all stages passed');
