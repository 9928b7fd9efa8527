import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {exitCodeOf, scratchProject, useScratchProject} from '../../_helpers/cli'

describe('hactl sandbox reset', () => {
  const project = useScratchProject()

  const stateFile = () => join(project.dir, '.hactl', 'sandbox.json')

  it('removes the state beside hactl.yml, and says so', async () => {
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    // No HACTL_SANDBOX_DIR: the state goes beside hactl.yml, as for a user.
    await project.run(['status', '--sandbox'], {HACTL_SANDBOX_DIR: ''})
    expect(existsSync(stateFile())).toBe(true)
    const result = await project.run(['sandbox', 'reset', '--json'], {HACTL_SANDBOX_DIR: ''})
    expect(exitCodeOf(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({removed: true, stateFile: stateFile()})
    expect(existsSync(stateFile())).toBe(false)
  })

  it('finds the state beside an invalid hactl.yml, and clears a corrupt state file', async () => {
    writeFileSync(project.configPath, 'site: [unclosed\n')
    mkdirSync(join(project.dir, '.hactl'))
    writeFileSync(stateFile(), '{bad')
    const result = await project.run(['sandbox', 'reset'], {HACTL_SANDBOX_DIR: ''})
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout).toContain(`Sandbox reset: removed ${stateFile()}`)
    expect(existsSync(stateFile())).toBe(false)
  })
})

describe('a corrupt sandbox state', () => {
  it('says so and points at hactl sandbox reset, instead of a usage error', async () => {
    const project = scratchProject()
    try {
      mkdirSync(join(project.dir, '.hactl'))
      writeFileSync(join(project.dir, '.hactl', 'sandbox.json'), '{"version":1}')
      const result = await project.run(['status', '--sandbox', '--json'], {}, {configFlag: false})
      // Issue 8, found by trying 9: a damaged local file is the user's to fix (exit 2), not a bug (exit 1).
      expect(exitCodeOf(result)).toBe(2)
      const {error} = JSON.parse(result.stdout)
      expect(error).toMatchObject({code: 'sandbox-state', suggestions: [expect.stringContaining('hactl sandbox reset')]})
      expect(error.message).toContain('sandbox.json')
    } finally {
      project.cleanup()
    }
  })
})
