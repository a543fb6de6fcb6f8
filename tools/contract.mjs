// `npm run contract`: rewrite the checked-in wire contract after a route or a `@flow/contracts` schema changed —
// libs/contracts/openapi/openapi.json (the document the api serves at /api/docs-json, written by the contract spec
// on a real PostgreSQL: TEST_DATABASE_URL, or the one Jest's global setup starts) and the TypeScript client types
// openapi-typescript generates from it (libs/contracts/src/generated/openapi.ts). CI fails while either is stale.
import { nxEnv, run } from './run-steps.mjs';

const write = await run(
  'npx',
  [
    'jest',
    '-c',
    'apps/api/jest.config.cts',
    'apps/api/src/app/contract.spec.ts',
    '-t',
    'is the document checked in',
    '--runInBand',
  ],
  { env: { ...nxEnv, OPENAPI_WRITE: '1' } },
);
if (write !== 0) process.exit(write);
const types = await run('npx', [
  'openapi-typescript',
  'libs/contracts/openapi/openapi.json',
  '-o',
  'libs/contracts/src/generated/openapi.ts',
  '--root-types',
  '--root-types-no-schema-prefix',
]);
process.exit(types);
