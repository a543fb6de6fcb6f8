#!/usr/bin/env node
// `npx nx run perf:k6`: the real k6 baseline (k6/flow/baseline.js) against the same stack as perf:load — when `k6`
// is on PATH. Without k6 it says so and exits 0 (CI runs perf:load, the autocannon stand-in, instead).
//
//   node tools/perf/k6.mjs [--tenants 3] [--pipelines 300] [--rows 20000] [--budget seed] [--duration 60s] [--vus 50]
//        [--no-build] [--database-url URL]
// Against a running api instead: see k6/flow/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

import { ROOT, startStack } from './stack.mjs';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '3' },
    pipelines: { type: 'string', default: '300' },
    rows: { type: 'string', default: '20000' },
    budget: { type: 'string', default: process.env.BUDGET || 'seed' },
    duration: { type: 'string', default: '60s' },
    vus: { type: 'string', default: '50' },
    'no-build': { type: 'boolean', default: false },
    'database-url': {
      type: 'string',
      default: process.env.PERF_DATABASE_URL || undefined,
    },
  },
  strict: true,
});

const probe = spawnSync('k6', ['version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log(
    'perf:k6: k6 is not on PATH — skipped (install k6 from https://grafana.com/docs/k6/latest/set-up/install-k6/, or run `npx nx run perf:load`, the autocannon stand-in)',
  );
  process.exit(0);
}
console.log(`perf:k6: ${probe.stdout.trim()}`);

let stack = null;
let code = 2;
try {
  stack = await startStack({
    databaseUrl: args['database-url'],
    build: !args['no-build'],
    seed: {
      tenants: Number(args.tenants),
      pipelines: Number(args.pipelines),
      rows: Number(args.rows),
    },
  });
  code = await new Promise((resolve) => {
    const child = spawn(
      'k6',
      [
        'run',
        '-e',
        `BASE_URL=${stack.baseUrl}`,
        '-e',
        `TOKENS=${stack.tokens.join(',')}`,
        '-e',
        `BUDGET=${args.budget}`,
        '-e',
        `DURATION=${args.duration}`,
        '-e',
        `VUS=${args.vus}`,
        'k6/flow/baseline.js',
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.on('exit', (c) => resolve(c ?? 1));
    child.on('error', () => resolve(2));
  });
} catch (error) {
  console.error(`perf:k6: setup failed: ${error?.stack ?? error}`);
  code = 2;
} finally {
  await stack?.stop();
}
process.exit(code);
