/** @type {import('jest').Config} */
const swc = ['@swc/jest', {jsc: {parser: {syntax: 'typescript'}, target: 'es2022'}, module: {type: 'commonjs'}}]

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': swc,
    // Only oclif's util/os.js, for its dynamic import of an ESM package: see test/_helpers/stubs/wsl-utils.ts.
    '^.+\\.js$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!@oclif/core/lib/util/os\\.js$)'],
  moduleNameMapper: {'^wsl-utils$': '<rootDir>/test/_helpers/stubs/wsl-utils.ts'},
  // Tests never touch the network or real AWS: see test/_helpers/setup-env.ts.
  setupFiles: ['<rootDir>/test/_helpers/setup-env.ts'],
  testTimeout: 30000,
}
