module.exports = {
  displayName: 'schedule',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/jest-environment.cjs',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/libs/schedule',
};
