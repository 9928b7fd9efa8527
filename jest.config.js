/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {jsc: {parser: {syntax: 'typescript'}, target: 'es2022'}, module: {type: 'commonjs'}}],
  },
  setupFiles: ['<rootDir>/test/_helpers/setup-env.ts'],
  // Tests never touch the network or real AWS: see test/_helpers/setup-env.ts.
  testTimeout: 30000,
}
