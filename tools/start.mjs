// `npm start`: build the api and the console (cached by Nx), then run the api, which serves the console.
// Without DATABASE_URL the api starts an embedded PostgreSQL in .data/ and prints the console URL with a dev token.
import { nxEnv, run } from './run-steps.mjs';

const build = await run(
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
  { env: nxEnv },
);
if (build !== 0) process.exit(build);
const code = await run(process.execPath, [
  'dist/apps/api/main.js',
  'serve',
  ...process.argv.slice(2),
]);
process.exit(code);
