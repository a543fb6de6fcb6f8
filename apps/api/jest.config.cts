module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // @fastify/static (console files, OpenAPI UI) depends on the ESM-only content-disposition; Jest on Node 20 cannot
  // require ESM, so that one package is compiled to CommonJS for the tests.
  transformIgnorePatterns: [
    '/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)',
  ],
  coverageDirectory: '../../coverage/apps/api',
  // Integration tests run against a real PostgreSQL that the global setup provides.
  globalSetup: '<rootDir>/../../tools/jest/postgres-global-setup.mjs',
  globalTeardown: '<rootDir>/../../tools/jest/postgres-global-teardown.mjs',
  testTimeout: 60_000,
};
