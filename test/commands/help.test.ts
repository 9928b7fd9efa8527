import {EXIT_CODE_DESCRIPTIONS} from '../../src/core/exit-codes'
import {commandIds, runHactl} from '../_helpers/cli'

describe('help', () => {
  it('hactl --help lists the topics and commands', async () => {
    const {stdout} = await runHactl(['--help'])
    expect(stdout).toContain('TOPICS')
    expect(stdout).toMatch(/config +Show and check hactl\.yml/)
    expect(stdout).toMatch(/sandbox +The embedded simulated AWS region/)
    expect(stdout).toMatch(/status +Show the site at a glance/)
    expect(stdout).toMatch(/init +Write a hactl\.yml/)
  })

  it('every command\'s help shows the global flags, examples and the exit codes', async () => {
    // The real command list, so a new command cannot skip these checks.
    const ids = await commandIds()
    expect(ids).toEqual(expect.arrayContaining(['status', 'init', 'config show', 'config validate', 'config schema', 'sandbox reset', 'plan', 'env create', 'env status', 'env destroy', 'doctor']))
    for (const id of ids) {
      const {stdout} = await runHactl([...id.split(' '), '--help'])
      expect(stdout).toContain('GLOBAL FLAGS')
      expect(stdout).toContain('--sandbox')
      expect(stdout).toContain('--json')
      expect(stdout).toContain('EXAMPLES')
      expect(stdout).toContain('EXIT CODES')
      for (const description of Object.values(EXIT_CODE_DESCRIPTIONS)) expect(stdout.replaceAll(/\s+/g, ' ')).toContain(description)
    }
  })
})
