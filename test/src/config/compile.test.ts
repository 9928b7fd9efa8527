import Module from 'node:module'
import {join} from 'node:path'

import {compileValidators, standaloneValidatorsSource} from '../../../src/config/compile'

/** Loads generated CommonJS source as a module, resolving its requires from the repo. */
function loadSource(source: string): {file: (data: unknown) => boolean; resolved: (data: unknown) => boolean} {
  const filename = join(__dirname, '../../../src/config/validators.generated.js')
  const mod = new Module(filename)
  mod.filename = filename
  mod.paths = (Module as unknown as {_nodeModulePaths(dir: string): string[]})._nodeModulePaths(join(__dirname, '../../..'))
  ;(mod as unknown as {_compile(code: string, file: string): void})._compile(source, filename)
  return mod.exports
}

describe('precompiled validators', () => {
  const compiled = compileValidators()
  const standalone = loadSource(standaloneValidatorsSource())

  const samples: unknown[] = [
    {app: 'wordpress', region: 'eu-west-1', site: 'demo'},
    {app: 'wordpress', database: {engine: 'oracle'}, environment: {minSize: -1}, region: 'eu-west-1', site: 'demo'},
    {app: 'moodle', region: 'mars-1', site: 'X'},
    {app: 'moodle', region: 'eu-west-1', site: 'lms', surprise: true},
    'not a map',
  ]

  it.each(samples.map((s, i) => [i, s]))('sample %i: the build\'s standalone module agrees with ajv compiling the schema', (_i, sample) => {
    const a = compiled.file(sample)
    const b = standalone.file(sample)
    expect(b).toBe(a)
    const errors = (fn: unknown) => ((fn as {errors?: Array<{instancePath: string; keyword: string}>}).errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`)
    expect(errors(standalone.file)).toEqual(errors(compiled.file))
  })
})
