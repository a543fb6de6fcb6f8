// Not named jest.config.cts on purpose: the @nx/jest plugin would infer a `test` target from it, and `nx run-many -t
// test` would then run these suites without building the api bundle they spawn. Run them with
// `npx nx run api-reliability:reliability` (CI) or `npx nx run api-reliability:chaos` (long versions).
module.exports = {
  displayName: 'api-reliability',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/api-reliability',
  globalSetup: '<rootDir>/../../tools/jest/postgres-global-setup.mjs',
  globalTeardown: '<rootDir>/../../tools/jest/postgres-global-teardown.mjs',
  testTimeout: 120_000,
};
