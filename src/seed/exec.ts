/**
 * `hactl seed exec -- CMD…`: a command on the seed through SSM Run Command
 * (no SSH, no open port), its output passed on as it arrives, and its own
 * exit code as the result.
 *
 *   tag lookup ─► agent Online? ─► runOnInstance (src/aws/run-command.ts: SendCommand, poll, output)
 *                                          ▼ Success/Failed/…  ResponseCode = exit code
 */
import type {AwsClients} from '../aws/clients'
import {runOnInstance, type RunOnInstanceResult} from '../aws/run-command'
import type {Deadline} from '../core/deadline'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {shellQuote} from './cron'
import {requireSeed} from './state'
import {waitForAgent} from './wait'

export {STDERR_LIMIT, STDOUT_LIMIT} from '../aws/run-command'

export interface ExecOnSeedOptions {
  readonly site: string
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 'ssm'>
  readonly reporter: Reporter
  /** The words after `--`: one word is run as a script; several are quoted and joined. */
  readonly argv: readonly string[]
  readonly deadline: Deadline
  readonly signal?: AbortSignal
  /** SSM's Comment for the command (cut to its 100 characters). @default `hactl seed exec: <the command>` */
  readonly comment?: string
  /** Output as it arrives, in order; the library never prints. */
  readonly onOutput?: (stream: 'stderr' | 'stdout', text: string) => void
}

/** The seed's instance, the command id, SSM's status, the exit code, the output and whether SSM cut it. */
export type ExecOnSeedResult = Omit<RunOnInstanceResult, 'statusDetails'>

/** `seed exec -- ls -l '/opt/hactl/app'` → the script line SSM runs. */
export function commandLine(argv: readonly string[]): string {
  return argv.length === 1 ? argv[0] : argv.map((word) => shellQuote(word)).join(' ')
}

export async function execOnSeed(options: ExecOnSeedOptions): Promise<ExecOnSeedResult> {
  const {clients, deadline, reporter, signal} = options
  if (options.argv.length === 0 || options.argv.join('').trim() === '') {
    throw new HactlError('no-command', 'No command given to run on the seed.', {exitCode: ExitCode.Usage, suggestions: ['Put it after --, e.g. `hactl seed exec -- uptime`.']})
  }

  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const seed = await requireSeed(ec2, options.site)
  const instanceId = seed.InstanceId ?? ''
  await waitForAgent({clock: clients.clock, deadline, instanceId, reporter, signal, ssm}).catch((error: unknown) => {
    if (!HactlError.isHactlError(error) || error.exitCode !== ExitCode.TimedOut) throw error
    throw new HactlError('seed-not-registered', `The seed ${instanceId} is not registered with SSM (its agent is not Online), so nothing can run on it.`, {
      cause: error,
      exitCode: ExitCode.NotReady,
      suggestions: ['A seed registers a minute or two after boot; `hactl seed status` shows its agent. Check that the instance role has AmazonSSMManagedInstanceCore and the subnet reaches SSM.'],
    })
  })

  const line = commandLine(options.argv)
  reporter.emit({id: 'seed/exec', state: 'start', title: `Run on ${instanceId}: ${line}`, type: 'step'})
  const {statusDetails, ...result} = await runOnInstance({
    clock: clients.clock,
    comment: (options.comment ?? `hactl seed exec: ${line}`).slice(0, 100),
    deadline,
    instanceId,
    line,
    onOutput: options.onOutput,
    reporter,
    signal,
    ssm,
    where: 'the seed',
  })
  const {commandId, exitCode, status} = result
  reporter.emit({detail: `${status} (exit ${exitCode})`, id: 'seed/exec', state: 'done', title: `Run on ${instanceId}: ${line}`, type: 'step'})
  if (status === 'TimedOut' || status === 'Cancelled' || exitCode < 0) {
    throw new HactlError('seed-command-not-run', `The command on ${instanceId} ended ${status} without an exit code of its own${statusDetails ? ` (${statusDetails})` : ''}.`, {
      data: {commandId, instanceId, status},
      exitCode: status === 'TimedOut' ? ExitCode.TimedOut : ExitCode.Failure,
      suggestions: ['Pass a larger --wait for long commands; `hactl seed status` shows whether the seed is reachable.'],
    })
  }

  return result
}
