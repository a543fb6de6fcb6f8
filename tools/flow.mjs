// `npm run flow -- <command>`: the admin CLI (tenant create, token, seed, migrate, worker) from the built api bundle.
import { existsSync } from 'node:fs';

import { nxEnv, run } from './run-steps.mjs';

const build = await run('npx', ['nx', 'build', 'api', '--outputStyle=static'], {
  env: nxEnv,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build !== 0 || !existsSync('dist/apps/api/main.js')) {
  console.error('flow: building the api failed (npx nx build api)');
  process.exit(build || 1);
}
process.exit(
  await run(process.execPath, [
    'dist/apps/api/main.js',
    ...process.argv.slice(2),
  ]),
);
