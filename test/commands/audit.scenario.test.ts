/**
 * `hactl audit` on the sandbox: the mutating commands just run are listed
 * with who, what, when, where and their outcomes — refusals included — and
 * nothing secret-looking gets in.
 */
import type {AuditEntry} from '../../src/site/audit'
import {ExitCode} from '../../src/core/exit-codes'
import {exitCodeOf, INIT_WORDPRESS_DEMO, useScratchProject} from '../_helpers/cli'

describe('hactl audit (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  it('lists the commands just run with their outcomes, newest first', async () => {
    expect(JSON.parse((await project.run(['audit', '--sandbox', '--json'])).stdout)).toMatchObject({entries: [], logGroup: '/hactl/demo/audit'})

    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', '--wait', '100000']))).toBe(0)
    expect(exitCodeOf(await project.run(['lock', 'acquire', '-m', 'AKIAIOSFODNN7EXAMPLE', '--sandbox']))).toBe(0)
    expect(exitCodeOf(await project.run(['env', 'destroy', '--sandbox', '--yes', '--wait', '100000']))).toBe(ExitCode.LockHeld)
    expect(exitCodeOf(await project.run(['lock', 'release', '--sandbox']))).toBe(0)
    // Not a mutating command: not recorded.
    await project.run(['status', '--sandbox'])

    // At the tests' 100000x speed these runs span simulated days.
    const audit = await project.run(['audit', '--sandbox', '--json', '--since', '30d'])
    expect(exitCodeOf(audit)).toBe(0)
    const {entries} = JSON.parse(audit.stdout) as {entries: AuditEntry[]}
    expect(entries.map((e) => [e.command, e.outcome.exitCode, e.outcome.code])).toEqual([
      ['lock release', 0, undefined],
      ['env destroy', ExitCode.LockHeld, 'lock-held'],
      ['lock acquire', 0, undefined],
      ['env create', 0, undefined],
    ])
    const [, destroy, acquire, create] = entries
    expect(create).toMatchObject({flags: {sandbox: true, wait: 100000, yes: true}, principal: 'arn:aws:iam::123456789012:user/hactl-sandbox', site: 'demo'})
    expect(create.flags).not.toHaveProperty('break-lock') // a default nobody typed
    expect(create.runId).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof create.host).toBe('string')
    // The refusal echoes the freeze reason, a key id inside a sentence: redacted too.
    expect(destroy.outcome.message).toBe('[redacted]')
    expect(destroy.redacted).toEqual(['outcome.message'])
    expect(acquire.flags.message).toBe('[redacted]')
    expect(audit.stdout).not.toContain('AKIAIOSFODNN7EXAMPLE')
    expect(new Set(entries.map((e) => e.runId)).size).toBe(4)

    const human = await project.run(['audit', '--sandbox', '--limit', '1', '--since', '30d'])
    expect(human.stdout).toMatch(/ok +lock release/)
    expect(human.stdout).toContain('by user/hactl-sandbox')
    expect(human.stdout).toContain('more entries')
  })

  it('records the CI job when the environment says it runs in one', async () => {
    await project.run(['lock', 'acquire', '-m', 'ci-freeze', '--sandbox'], {GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7', GITHUB_SERVER_URL: 'https://github.com'})
    const {entries} = JSON.parse((await project.run(['audit', '--sandbox', '--json'])).stdout) as {entries: AuditEntry[]}
    expect(entries[0].ci).toBe('GitHub Actions https://github.com/o/r/actions/runs/7')
  })

  it('bad input: --since needs a number and a unit', async () => {
    const bad = await project.run(['audit', '--sandbox', '--since', 'yesterday'])
    expect(exitCodeOf(bad)).toBe(ExitCode.Usage)
    expect(bad.stderr).toContain('--since takes a number and a unit')
  })
})
