/** One jest run for every workspace: unit tests beside the code, integration tests in test/. */
const transform = {
  '^.+\\.(ts|js)$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
// A few dependencies ship ESM only. Node >= 20.19 loads them natively (require(esm)); jest's own module
// loader does not, so these few are compiled to CommonJS for the test run only.
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition|cookie)/)'];

/** @type {import('jest').Config} */
module.exports = {
  // Browser and media tests take seconds; a global option (jest ignores it per project).
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/services/*/src/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
    },
  ],
};
