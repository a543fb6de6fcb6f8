module.exports = {
  displayName: 'api-files',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/api/files',
  // Integration tests run against a real PostgreSQL that the global setup provides.
  globalSetup: '<rootDir>/../../../tools/jest/postgres-global-setup.mjs',
  globalTeardown: '<rootDir>/../../../tools/jest/postgres-global-teardown.mjs',
  testTimeout: 60_000,
};
