/** @type {import('jest').Config} */
// Transpile only (no type-check: `npm run typecheck` does that), to CommonJS.
const tsJest = ['ts-jest', {tsconfig: {allowJs: true, isolatedModules: true, module: 'commonjs', target: 'es2022'}}]

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  // test/real/ starts real servers (MariaDB, nginx, PHP-FPM, Redis): `npm run test:real` runs it, `npm test` does not.
  testPathIgnorePatterns: process.env.HACTL_TEST_REAL === '1' ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/real/'],
  transform: {
    '^.+\\.ts$': tsJest,
    // Only oclif's util/os.js, for its dynamic import of an ESM package: see test/_helpers/stubs/wsl-utils.ts.
    '^.+\\.js$': tsJest,
  },
  transformIgnorePatterns: ['/node_modules/(?!@oclif/core/lib/util/os\\.js$)'],
  moduleNameMapper: {'^wsl-utils$': '<rootDir>/test/_helpers/stubs/wsl-utils.ts'},
  // Tests never touch the network or real AWS: see test/_helpers/setup-env.ts.
  setupFiles: ['<rootDir>/test/_helpers/setup-env.ts'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/_helpers/summary-reporter.js'],
}
