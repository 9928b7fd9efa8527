/**
 * Issue 8, found by trying 7, 9 and 10: bad environment variables, flags and
 * local files end with a one-line error naming the culprit, the documented
 * exit code, and (under --json) the JSON error object on stdout.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {exitCodeOf, INIT_WORDPRESS_DEMO, type Project, runHactl, scratchProject, useScratchProject} from '../_helpers/cli'

describe('bad input at the edges', () => {
  const project = useScratchProject({scope: 'all', init: INIT_WORDPRESS_DEMO})

  async function jsonError(argv: string[], env: Record<string, string> = {}) {
    const result = await project.run([...argv, '--json'], env)
    return {exit: exitCodeOf(result), ...(JSON.parse(result.stdout) as {error: {code: string; message: string; suggestions: string[]}})}
  }

  it.each([
    ['HACTL_SANDBOX', 'on'],
    ['HACTL_SANDBOX_SPEED', '1e308'],
    ['HACTL_SANDBOX_SPEED', 'fast'],
    ['AWS_ENDPOINT_URL', 'ftp://localhost:21'],
    ['AWS_ENDPOINT_URL', 'not a url'],
  ])('%s=%s is a usage error naming the variable', async (variable, value) => {
    const {error, exit} = await jsonError(['status', '--sandbox'], {[variable]: value})
    expect(exit).toBe(2)
    expect(error.message).toMatch(new RegExp(`^${variable}=`))
  })

  it.each([['ftp://localhost:21'], ['localhost:4566'], ['http://']])('--endpoint-url %s is a usage error naming the flag', async (url) => {
    const {error, exit} = await jsonError(['status', '--endpoint-url', url])
    expect(exit).toBe(2)
    expect(error.message).toContain('--endpoint-url')
  })

  it('a sandbox fault naming an unknown operation is a usage error, like a malformed one', async () => {
    const {error, exit} = await jsonError(['status', '--sandbox', '--sandbox-fault', 'throttle:sts:GetCallerIdentityy'])
    expect(exit).toBe(2)
    expect(error.message).toContain('GetCallerIdentityy')
  })

  it('--region unlike hactl.yml\'s is refused before env create makes anything', async () => {
    const {error, exit} = await jsonError(['env', 'create', '--sandbox', '--yes', '--region', 'us-east-2'])
    expect(exit).toBe(2)
    expect(error).toMatchObject({code: 'region-mismatch', message: expect.stringMatching(/^--region us-east-2 differs from region: eu-west-1 in /)})
    const state = join(project.dir, '.hactl', 'sandbox.json')
    // Nothing of the site in the simulated account (no IAM role, no EB application, …).
    expect(existsSync(state) ? readFileSync(state, 'utf8') : '').not.toContain('hactl-demo')
  })

  it('--json with an unknown command prints the JSON error object', async () => {
    const result = await runHactl(['no-such-command', '--json'])
    expect(exitCodeOf(result)).toBe(2)
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.objectContaining({code: 'command-not-found', exitCode: 2, message: expect.stringContaining('no-such-command')}),
    })
  })
})

describe('sandbox state files hactl cannot use', () => {
  let project: Project
  beforeEach(() => {
    project = scratchProject()
    writeFileSync(project.configPath, 'site: demo\napp: wordpress\nregion: eu-west-1\n')
  })
  afterEach(() => project.cleanup())

  it('a state file that is a directory: exit 2 naming it; `sandbox reset` clears it', async () => {
    const state = join(project.dir, '.hactl', 'sandbox.json')
    mkdirSync(state, {recursive: true})
    const result = await project.run(['status', '--sandbox', '--json'])
    expect(exitCodeOf(result)).toBe(2)
    const {error} = JSON.parse(result.stdout)
    expect(error).toMatchObject({code: 'sandbox-state', message: `The sandbox state file ${state} is a directory.`})
    expect(error.suggestions[0]).toContain('hactl sandbox reset')
    const reset = await project.run(['sandbox', 'reset'])
    expect(exitCodeOf(reset)).toBe(0)
    expect(exitCodeOf(await project.run(['status', '--sandbox']))).toBe(0)
  })

  it('a state directory that cannot be made: exit 2 naming it, not an AWS failure', async () => {
    const file = join(project.dir, 'plain-file')
    writeFileSync(file, '')
    const result = await project.run(['status', '--sandbox', '--json'], {HACTL_SANDBOX_DIR: join(file, '.hactl')})
    expect(exitCodeOf(result)).toBe(2)
    const {error} = JSON.parse(result.stdout)
    expect(error.code).toBe('sandbox-state')
    expect(error.message).toContain(join(file, '.hactl', 'sandbox.json'))
    expect(error.suggestions[0]).toContain('HACTL_SANDBOX_DIR')
  })
})
