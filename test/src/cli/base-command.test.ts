import {Config, Flags} from '@oclif/core'
import {captureOutput} from '@oclif/test'

import {ManualClock} from '../../../src/core/clock'
import {pollUntil} from '../../../src/aws/wait'
import {HactlCommand} from '../../../src/cli/base-command'
import {ExitCode} from '../../../src/core/exit-codes'
import {LockHeldError} from '../../../src/core/errors'
import {ROOT} from '../../_helpers/cli'

/** A command that waits until interrupted, like a long `env create`. */
class WaitForever extends HactlCommand<typeof WaitForever> {
  public static flags = {fail: Flags.string({description: 'throw this kind of error instead'})}

  public async run(): Promise<{done: boolean}> {
    if (this.flags.fail === 'lock') throw new LockHeldError('Site demo is locked by alice since 2026-11-21T12:00:00Z.', 'alice', new Date(0), {suggestions: ['Wait.']})
    if (this.flags.fail === 'bug') throw new TypeError('cannot read properties of undefined')
    if (this.flags.fail === 'none') return {done: true}
    const clock = new ManualClock()
    await pollUntil({
      check: () => ({state: 'retry', status: 'Launching'}),
      clock,
      poll: async () => {
        // The operator presses Ctrl-C while the environment launches.
        process.emit('SIGINT')
        return 1
      },
      reporter: this.reporter,
      signal: this.interrupt.signal,
      timeoutMs: 3_600_000,
      what: 'environment demo to be Ready',
    })
    return {done: true}
  }
}

async function run(argv: string[]) {
  const config = await Config.load({root: ROOT})
  WaitForever.id = 'wait-forever'
  return captureOutput(() => WaitForever.run(argv, config))
}

function exitOf(error: unknown): number | undefined {
  return (error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit
}

describe('HactlCommand', () => {
  it('Ctrl-C stops the wait, exits 130 and says how to pick the work up', async () => {
    const {error, stderr} = await run([])
    expect(exitOf(error)).toBe(ExitCode.Interrupted)
    expect(stderr).toContain('Error (interrupted): Stopped waiting for environment demo to be Ready; the operation goes on in AWS.')
    expect(stderr).toContain('hactl status')
    expect(process.listenerCount('SIGINT')).toBe(0)
  })

  it('prints a hactl error as "Error (code): …" with suggestions and its exit code', async () => {
    const {error, stderr, stdout} = await run(['--fail', 'lock'])
    expect(exitOf(error)).toBe(ExitCode.LockHeld)
    expect(stdout).toBe('')
    expect(stderr).toBe('Error (lock-held): Site demo is locked by alice since 2026-11-21T12:00:00Z.\nTry this:\n  Wait.\n')
  })

  it('under --json prints the error as JSON on stdout and nothing else', async () => {
    const {error, stderr, stdout} = await run(['--fail', 'lock', '--json'])
    expect(exitOf(error)).toBe(ExitCode.LockHeld)
    expect(stderr).toBe('')
    expect(JSON.parse(stdout)).toEqual({
      error: {code: 'lock-held', exitCode: ExitCode.LockHeld, message: expect.stringContaining('locked by alice'), suggestions: ['Wait.']},
    })
  })

  it('under --json prints the result and nothing else', async () => {
    const {error, stdout} = await run(['--fail', 'none', '--json'])
    expect(error).toBeUndefined()
    expect(JSON.parse(stdout)).toEqual({done: true})
  })

  it('an unexpected error is exit 1 and says it is a bug', async () => {
    const {error, stderr} = await run(['--fail', 'bug'])
    expect(exitOf(error)).toBe(ExitCode.Failure)
    expect(stderr).toContain('Error (unexpected): cannot read properties of undefined')
    expect(stderr).toContain('bug in hactl')
  })

  it('a bad flag is a usage error (exit 2)', async () => {
    const {error, stderr} = await run(['--no-such-flag'])
    expect(exitOf(error)).toBe(ExitCode.Usage)
    expect(stderr).toContain('Error (usage): Nonexistent flag: --no-such-flag')
  })

  it('a bad --region is a usage error that says what a region looks like', async () => {
    const {error, stderr} = await run(['--fail', 'none', '--region', 'bad region!'])
    expect(exitOf(error)).toBe(ExitCode.Usage)
    expect(stderr).toContain('Error (usage): --region must be an AWS Region code such as eu-west-1 or us-east-1 (got "bad region!")')
  })
})
