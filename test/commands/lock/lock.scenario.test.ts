/**
 * The deploy freeze on the sandbox, whole commands: lock acquire makes
 * env create exit 6 naming the message (with or without --lock-wait), lock
 * status and status show it, release frees it, and someone else's freeze
 * needs --force and says whose it was.
 */
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {ExitCode} from '../../../src/core/exit-codes'
import {openSandbox} from '../../../src/sandbox'
import {lockParameterName} from '../../../src/site/lock'
import {exitCodeOf, INIT_WORDPRESS_DEMO, useScratchProject} from '../../_helpers/cli'

const WAIT = ['--wait', '100000']

describe('hactl lock (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  it('a freeze refuses env create with exit 6 naming the message, --lock-wait does not wait behind it, release frees it', async () => {
    // runCommand joins argv and splits it again, so a value with a space is quoted as a shell would.
    const frozen = await project.run(['lock', 'acquire', '--message', '"exam week"', '--sandbox', '--json'])
    expect(exitCodeOf(frozen)).toBe(0)
    expect(JSON.parse(frozen.stdout)).toMatchObject({action: 'created', lock: {kind: 'manual', message: 'exam week'}, site: 'demo'})
    // Idempotent re-run.
    expect(JSON.parse((await project.run(['lock', 'acquire', '-m', '"exam week"', '--sandbox', '--json'])).stdout)).toMatchObject({action: 'unchanged'})

    const refused = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(refused)).toBe(ExitCode.LockHeld)
    expect(refused.stderr).toContain('frozen: "exam week"')

    const queued = await project.run(['env', 'create', '--sandbox', '--yes', '--json', '--lock-wait', ...WAIT])
    expect(exitCodeOf(queued)).toBe(ExitCode.LockHeld)
    expect(JSON.parse(queued.stdout).error).toMatchObject({code: 'lock-held', data: {frozen: true, message: 'exam week'}, message: expect.stringContaining('never waits behind a deploy freeze')})

    const status = await project.run(['lock', 'status', '--sandbox', '--json'])
    expect(JSON.parse(status.stdout)).toMatchObject({lock: {message: 'exam week'}, stale: false, state: 'frozen'})
    const human = await project.run(['status', '--sandbox'])
    expect(human.stdout).toMatch(/FROZEN/)
    expect(human.stdout).toContain('exam week')

    const released = await project.run(['lock', 'release', '--sandbox', '--json'])
    expect(JSON.parse(released.stdout)).toMatchObject({forced: false, released: true})
    expect(JSON.parse((await project.run(['lock', 'release', '--sandbox', '--json'])).stdout)).toMatchObject({released: false})
    expect(JSON.parse((await project.run(['lock', 'status', '--sandbox', '--json'])).stdout)).toMatchObject({state: 'free'})
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
  })

  it("someone else's freeze needs --force, and release says whose it was", async () => {
    const aws = new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')}), version: 'test'})
    const bob = 'arn:aws:iam::123456789012:user/bob'
    const since = new Date(aws.clock.now()).toISOString()
    const record = {heartbeatAt: since, holder: `${bob} on bobs-laptop`, kind: 'manual', message: 'payroll run', operation: 'deploy freeze: payroll run', principal: bob, since, token: 't-1'}
    await (await aws.ssm()).putParameter({name: lockParameterName('demo'), overwrite: false, value: JSON.stringify(record)})

    const refused = await project.run(['lock', 'release', '--sandbox'])
    expect(exitCodeOf(refused)).toBe(ExitCode.LockHeld)
    expect(refused.stderr).toContain(`set by ${bob}`)
    expect(refused.stderr).toContain('--force')

    const forced = await project.run(['lock', 'release', '--force', '--sandbox'])
    expect(exitCodeOf(forced)).toBe(0)
    expect(forced.stdout).toContain(`It was ${bob}'s freeze`)
  })

  it('bad input: an overlong message is a usage error and nothing is locked', async () => {
    const bad = await project.run(['lock', 'acquire', '--message', 'x'.repeat(201), '--sandbox'])
    expect(exitCodeOf(bad)).toBe(ExitCode.Usage)
    expect(bad.stderr).toContain('--message must be 1 to 200 characters')
    expect(JSON.parse((await project.run(['lock', 'status', '--sandbox', '--json'])).stdout)).toMatchObject({state: 'free'})
  })
})
