import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import {parse} from 'yaml'

import {configJsonSchema, exportConfigSchema, parseConfig, renderConfigYaml} from '../../../src/config'
import {UserError} from '../../../src/core/errors'

function compile() {
  // Strict, as hactl's own validator: any keyword ajv does not know fails here.
  const ajv = new Ajv({allErrors: true, strict: true})
  addFormats(ajv)
  return ajv.compile(configJsonSchema())
}

type Schema = {description?: string; properties?: Record<string, Schema>; required?: string[]; title?: string}

describe('configJsonSchema', () => {
  it('is a draft-07 schema that strict ajv compiles', () => {
    expect(configJsonSchema().$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(() => compile()).not.toThrow()
  })

  it('accepts a rendered default config of either app', () => {
    const validate = compile()
    for (const app of ['wordpress', 'moodle']) {
      const text = renderConfigYaml(parseConfig(`site: demo\napp: ${app}\nregion: eu-west-1\n`, 'hactl.yml'))
      expect(validate(parse(text))).toBe(true)
    }
  })

  it('accepts the minimal file and requires only site, app and region', () => {
    const validate = compile()
    expect(validate({app: 'wordpress', region: 'eu-west-1', site: 'demo'})).toBe(true)
    expect(validate({app: 'wordpress', site: 'demo'})).toBe(false)
    expect(validate({environment: {minSize: 3}, app: 'wordpress', region: 'eu-west-1', site: 'demo'})).toBe(true)
  })

  it('rejects unknown keys and bad values, as an editor would show', () => {
    const validate = compile()
    expect(validate({app: 'wordpress', region: 'eu-west-1', site: 'demo', typo: 1})).toBe(false)
    expect(validate({app: 'wordpress', database: {engine: 'oracle'}, region: 'eu-west-1', site: 'demo'})).toBe(false)
  })

  it('describes every key, and gives a title to every section', () => {
    const missing: string[] = []
    const walk = (schema: Schema, path: string) => {
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        const p = path ? `${path}.${key}` : key
        if (!child.description) missing.push(p)
        if (child.properties && !child.title) missing.push(`${p} (title)`)
        walk(child, p)
      }
    }

    walk(configJsonSchema() as Schema, '')
    expect(missing).toEqual([])
  })

  it('carries the app-independent defaults for editors', () => {
    const schema = configJsonSchema() as Schema & {properties: Record<string, Schema & {properties: Record<string, {default?: unknown}>}>}
    expect(schema.properties.environment.properties.minSize.default).toBe(2)
    expect(schema.properties.images.properties.keep.default).toBe(5)
    expect(schema.properties.staging.properties.schedule.default).toBe('cron(0 3 * * ? *)')
  })
})

describe('exportConfigSchema', () => {
  it('returns the schema, and writes it as JSON when given a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-schema-'))
    try {
      expect((await exportConfigSchema()).schema).toEqual(configJsonSchema())
      const result = await exportConfigSchema({output: join(dir, 'nested', 'hactl.schema.json')})
      expect(result.output).toBe(join(dir, 'nested', 'hactl.schema.json'))
      expect(JSON.parse(readFileSync(result.output as string, 'utf8'))).toEqual(configJsonSchema())
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
  it('reports a path it cannot write as a user error naming the path and the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-schema-'))
    try {
      const file = join(dir, 'afile')
      writeFileSync(file, 'x')
      const underFile = exportConfigSchema({output: join(file, 'x.json')})
      await expect(underFile).rejects.toThrow(UserError)
      await expect(underFile).rejects.toMatchObject({
        code: 'write-failed',
        exitCode: 2,
        message: expect.stringMatching(new RegExp(`^Cannot write the schema to ${join(file, 'x.json')}: ${file} is a file, not a directory \\((EEXIST|ENOTDIR)\\)\\.$`)),
        suggestions: expect.arrayContaining([expect.stringContaining('--output')]),
      })

      const aDir = join(dir, 'd')
      mkdirSync(aDir)
      await expect(exportConfigSchema({output: aDir})).rejects.toMatchObject({code: 'write-failed', data: {code: 'EISDIR', path: aDir}})
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
