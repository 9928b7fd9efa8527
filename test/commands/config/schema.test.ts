import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {ExitCode} from '../../../src/core/exit-codes'
import {configJsonSchema} from '../../../src/config'
import {exitCodeOf, useScratchProject} from '../../_helpers/cli'

describe('hactl config schema', () => {
  const project = useScratchProject()

  it('prints the JSON Schema, and needs no hactl.yml', async () => {
    const result = await project.run(['config', 'schema'])
    expect(exitCodeOf(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(configJsonSchema())
  })

  it('writes it with --output', async () => {
    const output = join(project.dir, 'hactl.schema.json')
    const result = await project.run(['config', 'schema', '--output', output])
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout).toBe(`Wrote the hactl.yml schema to ${output}\n`)
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(configJsonSchema())
  })

  it('returns {output, schema} as --json', async () => {
    const output = join(project.dir, 'hactl.schema.json')
    const result = await project.run(['config', 'schema', '--output', output, '--json'])
    expect(JSON.parse(result.stdout)).toEqual({output, schema: configJsonSchema()})
  })
  it('reports an --output it cannot write as a usage error, not a bug', async () => {
    const file = join(project.dir, 'afile')
    writeFileSync(file, 'x')
    const output = join(file, 'x.json')
    const result = await project.run(['config', 'schema', '--output', output])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toContain(`Error (write-failed): Cannot write the schema to ${output}: ${file} is a file, not a directory`)
    expect(result.stderr).not.toContain('bug')
  })
})
