/** `seed tunnel`'s tool checks: a clear message, exit 11 and the command to run by hand when a program is missing. */
import {ExitCode} from '../../../src/core/exit-codes'
import {HactlError} from '../../../src/core/errors'
import {checkTunnelTools, type Runner, type TunnelPlan} from '../../../src/seed/tunnel'

const plan: TunnelPlan = {
  argv: ['aws', 'ssm', 'start-session', '--target', 'i-0seed'],
  commandLine: 'aws ssm start-session --target i-0seed',
  instanceId: 'i-0seed',
  localPort: 8080,
}

function runner(installed: readonly string[]): Runner {
  return {probe: (program) => (installed.includes(program) ? 0 : undefined), run: async () => 0}
}

function failure(installed: readonly string[]): HactlError {
  try {
    checkTunnelTools(plan, runner(installed))
  } catch (error) {
    if (HactlError.isHactlError(error)) return error
    throw error
  }

  throw new Error('checkTunnelTools did not throw')
}

describe('seed tunnel: the programs a session needs', () => {
  it('names the missing AWS CLI, with exit 11 and the command to run by hand', () => {
    const error = failure([])
    expect(error).toMatchObject({code: 'aws-cli-missing', exitCode: ExitCode.NotReady})
    expect(error.suggestions.join('\n')).toContain('Then run it by hand: aws ssm start-session --target i-0seed')
  })

  it('names the missing Session Manager plugin', () => {
    expect(failure(['aws'])).toMatchObject({code: 'session-plugin-missing', exitCode: ExitCode.NotReady})
  })

  it('lets the session start when both are there', () => {
    expect(() => checkTunnelTools(plan, runner(['aws', 'session-manager-plugin']))).not.toThrow()
  })
})
