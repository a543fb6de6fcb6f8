// `npm start`: build the api and the console (cached by Nx), then run the api, which serves the console.
// Without DATABASE_URL the api starts an embedded PostgreSQL in .data/ and prints the console URL with a dev token.
// The build's output is shown only when it fails, so the api's banner (with how long the start took) comes first.
import { spawn } from 'node:child_process';

import { nxEnv, run } from './run-steps.mjs';

const startedAt = Date.now();
process.stdout.write(
  'Building the api and the console (cached after the first run)… ',
);
const output = [];
const build = await new Promise((resolve) => {
  const child = spawn(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'build',
      '-p',
      'api',
      'console',
      '--outputStyle=static',
    ],
    { env: { ...process.env, ...nxEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  child.on('error', () => resolve(1));
});
if (build !== 0) {
  process.stdout.write('failed:\n');
  process.stdout.write(Buffer.concat(output));
  process.exit(build);
}
process.stdout.write(
  `done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
);
const code = await run(
  process.execPath,
  ['dist/apps/api/main.js', 'serve', ...process.argv.slice(2)],
  { env: { FLOW_STARTED_AT: String(startedAt) } },
);
process.exit(code);
