// @ts-check
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')

module.exports = tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.hactl/**', 'oclif.manifest.json']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports'}],
      // Synchronous lazy loads that keep startup fast; nothing else uses require.
      '@typescript-eslint/no-require-imports': ['error', {allow: ['^\\./compile$', '^\\./validators\\.generated$', '^ajv/dist/standalone$']}],
    },
  },
  {
    // Commands stay thin: AWS lives in src/aws, behind the client factory.
    files: ['commands/**/*.ts', 'hooks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [{group: ['@aws-sdk/*', '@smithy/*'], message: 'Commands make no AWS calls: call a function in src/ instead.'}]},
      ],
    },
  },
  {
    // The library never prints: it reports through a Reporter.
    files: ['src/**/*.ts'],
    ignores: ['src/ui/**', 'src/cli/**'],
    rules: {'no-console': 'error'},
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // A focused test left in would silently skip the rest of the suite in CI.
      'no-restricted-properties': [
        'error',
        {object: 'describe', property: 'only', message: 'No .only in committed tests.'},
        {object: 'it', property: 'only', message: 'No .only in committed tests.'},
        {object: 'test', property: 'only', message: 'No .only in committed tests.'},
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
