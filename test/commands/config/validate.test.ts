import {copyFileSync} from 'node:fs'
import {join} from 'node:path'

import {ExitCode} from '../../../src/core/exit-codes'
import {exitCodeOf, useScratchProject} from '../../_helpers/cli'

const FIXTURES = join(__dirname, '../../_fixtures/config')

describe('hactl config validate', () => {
  const project = useScratchProject()

  it('says a valid file is valid', async () => {
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    const result = await project.run(['config', 'validate'])
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout).toBe(`${project.configPath} is valid: wordpress site demo in eu-west-1.\n`)
  })

  it('returns the summary as --json', async () => {
    copyFileSync(join(FIXTURES, 'moodle-custom.yml'), project.configPath)
    const result = await project.run(['config', 'validate', '--json'])
    expect(JSON.parse(result.stdout)).toEqual({app: 'moodle', path: project.configPath, region: 'eu-central-1', site: 'lms-prod', valid: true})
  })

  it('lists every problem with file:line:column and exits 3', async () => {
    copyFileSync(join(FIXTURES, 'two-problems.yml'), project.configPath)
    const result = await project.run(['config', 'validate'])
    expect(exitCodeOf(result)).toBe(ExitCode.Config)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('Error (config): hactl.yml has 2 problems')
    expect(result.stderr).toContain(`${project.configPath}:7:11  database.engine: must be one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql (got "oracle")`)
    expect(result.stderr).toContain(`${project.configPath}:11:12  environment.minSize: must be >= 1 (got -1)`)
    expect(result.stderr).toContain('hactl config schema')
  })

  it('gives the problems as data in a --json error', async () => {
    copyFileSync(join(FIXTURES, 'two-problems.yml'), project.configPath)
    const result = await project.run(['config', 'validate', '--json'])
    expect(exitCodeOf(result)).toBe(ExitCode.Config)
    const {error} = JSON.parse(result.stdout)
    expect(error).toMatchObject({code: 'config', exitCode: ExitCode.Config, message: 'hactl.yml has 2 problems'})
    expect(error.data.problems.map((p: {path: string; line: number}) => [p.path, p.line])).toEqual([
      ['database.engine', 7],
      ['environment.minSize', 11],
    ])
  })
})
