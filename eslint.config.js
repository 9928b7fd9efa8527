// @ts-check
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')

/** Import patterns for a folder under src/ (relative imports are what the tree uses). */
const folder = (name) => [`**/${name}`, `**/${name}/**`]

/**
 * Lower layers never import higher ones:
 *
 *   core  <-  aws  <-  site, apps  <-  features (env, doctor, seed, staging, bake, pipeline, status, ops)  <-  ui  <-  cli
 *   core  <-  config
 *   core  <-  sandbox   (the simulator imports no product code, only core's clock)
 */
const LAYERS = [
  {files: ['src/core/**/*.ts'], forbid: ['aws', 'config', 'sandbox', 'site', 'apps', 'security', 'env', 'doctor', 'seed', 'staging', 'bake', 'pipeline', 'status', 'ops', 'ui', 'cli'], why: 'src/core is the bottom layer: it imports nothing else from src/.'},
  {files: ['src/security/**/*.ts'], forbid: ['aws', 'config', 'sandbox', 'site', 'apps', 'env', 'doctor', 'seed', 'staging', 'bake', 'pipeline', 'status', 'ops', 'ui', 'cli'], why: 'src/security holds pure scanners on src/core only.'},
  {files: ['src/config/**/*.ts'], forbid: ['aws', 'sandbox', 'site', 'apps', 'env', 'doctor', 'seed', 'staging', 'bake', 'pipeline', 'status', 'ops', 'ui', 'cli'], why: 'src/config reads hactl.yml; it depends on src/core only.'},
  // clients.ts attaches the sandbox (type import of its handle); nothing else in aws/ knows of it.
  {files: ['src/aws/**/*.ts'], forbid: ['config', 'site', 'apps', 'env', 'doctor', 'seed', 'staging', 'bake', 'pipeline', 'status', 'ops', 'ui', 'cli'], why: 'src/aws depends only on src/core.'},
  {files: ['src/sandbox/**/*.ts'], forbid: ['aws', 'config', 'site', 'apps', 'security', 'env', 'doctor', 'seed', 'staging', 'bake', 'pipeline', 'status', 'ops', 'ui', 'cli'], why: 'The simulator imports no product code, so a wrong list cannot pass on both sides.'},
  {files: ['src/site/**/*.ts', 'src/apps/**/*.ts'], forbid: ['sandbox', 'env', 'doctor', 'seed', 'staging', 'bake', 'pipeline', 'status', 'ops', 'ui', 'cli'], why: 'src/site and src/apps sit below the features.'},
  {files: ['src/{env,doctor,seed,staging,bake,pipeline,status,ops}/**/*.ts'], forbid: ['sandbox', 'ui', 'cli'], why: 'Features report through core/progress; they never render or parse flags.'},
  {files: ['src/ui/**/*.ts'], forbid: ['cli', 'sandbox'], why: 'Renderers take results; they do not reach the command layer.'},
]

const layerRules = () =>
  LAYERS.map(({files, forbid, why}) => {
    const patterns = [{group: forbid.flatMap(folder), message: why}]
    if (forbid.includes('ui')) patterns.push({group: ['@oclif/*', '@inquirer/*'], message: 'Only src/cli, src/ui and commands/ talk to the terminal.'})
    return {files, rules: {'no-restricted-imports': ['error', {patterns}]}}
  })

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
  // The layers (ARCHITECTURE.md). Each folder may import only from the layers
  // below it; a test in test/lint/layers.test.ts proves each rule bites.
  ...layerRules(),
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
