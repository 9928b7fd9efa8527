import {parse} from 'yaml'

import {ExitCode} from '../../../src/core/exit-codes'
import {exitCodeOf, useScratchProject} from '../../_helpers/cli'

describe('hactl config show', () => {
  const project = useScratchProject({init: ['init', '--yes', '--app', 'moodle', '--site', 'lms', '--region', 'eu-west-1']})

  it('prints the resolved config as YAML, headed by the file it came from', async () => {
    const result = await project.run(['config', 'show'])
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout.split('\n')[0]).toBe(`# ${project.configPath} (with defaults applied)`)
    const shown = parse(result.stdout)
    expect(shown).toMatchObject({app: 'moodle', database: {engine: 'postgres'}, uploads: {path: '/mnt/moodledata'}})
    // Exactly the resolved config, in the order of a generated hactl.yml.
    const json = JSON.parse((await project.run(['config', 'show', '--json'])).stdout)
    expect(shown).toEqual(json.config)
    expect(Object.keys(shown).slice(0, 5)).toEqual(['site', 'app', 'region', 'network', 'environment'])
  })

  it('returns {path, config} as --json', async () => {
    const result = await project.run(['config', 'show', '--json'])
    expect(exitCodeOf(result)).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json.path).toBe(project.configPath)
    expect(json.config).toMatchObject({app: 'moodle', environment: {healthCheckPath: '/hactl-health.php', minSize: 2}, site: 'lms'})
  })

  it('fails with the config exit code when there is no file', async () => {
    project.cleanup()
    const result = await project.run(['config', 'show'])
    expect(exitCodeOf(result)).toBe(ExitCode.Config)
    expect(result.stderr).toContain('hactl init')
  })
})
