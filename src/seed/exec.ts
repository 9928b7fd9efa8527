/**
 * `hactl seed exec -- CMD…`: a command on the seed through SSM Run Command
 * (no SSH, no open port), its output passed on as it arrives, and its own
 * exit code as the result.
 *
 *   tag lookup ─► agent Online? ─► SendCommand(InstanceIds=[seed]) ─► poll GetCommandInvocation
 *                                                                       │ new output ─► onOutput
 *                                                                       ▼ Success/Failed/…
 *                                                              ResponseCode = exit code
 *
 * SSM keeps only the first 24,000 characters of stdout and 8,000 of stderr
 * in GetCommandInvocation (AWS-NOTES-2 B.4); the result says when output was
 * cut so nobody takes a cut log for the whole of it.
 */
import type {AwsClients} from '../aws/clients'
import type {CommandInvocation} from '../aws/ssm'
import {pollUntil} from '../aws/wait'
import type {Deadline} from '../core/deadline'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {shellQuote} from './cron'
import {requireSeed} from './state'
import {waitForAgent} from './wait'

export const STDOUT_LIMIT = 24_000
export const STDERR_LIMIT = 8000

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

export interface ExecOnSeedResult {
  readonly instanceId: string
  readonly commandId: string
  /** SSM's final status: Success, Failed, TimedOut, Cancelled. */
  readonly status: string
  /** The command's own exit code (SSM ResponseCode). */
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  /** SSM kept only the first 24,000 (stdout) / 8,000 (stderr) characters. */
  readonly truncated: {readonly stdout: boolean; readonly stderr: boolean}
}

const DONE = new Set(['Cancelled', 'Failed', 'Success', 'TimedOut'])

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
  const commandId = await ssm.sendCommand({
    comment: (options.comment ?? `hactl seed exec: ${line}`).slice(0, 100),
    commands: [line],
    // AWS-RunShellScript allows up to 48 h (AWS-NOTES-2 B.4); past --wait hactl stops watching anyway.
    executionTimeoutSeconds: Math.min(172_800, Math.max(30, Math.ceil(deadline.remainingMs() / 1000))),
    instanceId,
  })
  reporter.emit({detail: commandId, id: 'seed/exec', state: 'start', title: `Run on ${instanceId}: ${line}`, type: 'step'})

  const shown = {stderr: 0, stdout: 0}
  const pass = (stream: 'stderr' | 'stdout', content: string | undefined): void => {
    const text = content ?? ''
    if (text.length > shown[stream]) {
      options.onOutput?.(stream, text.slice(shown[stream]))
      shown[stream] = text.length
    }
  }

  // A deadline here ends in exit 7: the command goes on on the seed, as the resume hint says.
  const final = (await pollUntil<CommandInvocation | undefined>({
    check: (invocation) => {
      pass('stdout', invocation?.stdout)
      pass('stderr', invocation?.stderr)
      const status = invocation?.status ?? 'Pending'
      return DONE.has(status) && invocation ? {state: 'done-with', value: invocation} : {state: 'retry', status}
    },
    clock: clients.clock,
    maxDelayMs: 5000,
    minDelayMs: 1000,
    poll: () => ssm.getCommandInvocation(commandId, instanceId),
    reporter,
    resumeHint: `The command goes on on the seed: \`aws ssm get-command-invocation --command-id ${commandId} --instance-id ${instanceId}\` shows its result.`,
    signal,
    timeoutMs: deadline.remainingMs(),
    what: `the command ${commandId} on ${instanceId}`,
  })) as CommandInvocation

  const {stderr, stdout} = final
  const exitCode = final.responseCode
  reporter.emit({detail: `${final.status} (exit ${exitCode})`, id: 'seed/exec', state: 'done', title: `Run on ${instanceId}: ${line}`, type: 'step'})
  if (final.status === 'TimedOut' || final.status === 'Cancelled' || exitCode < 0) {
    throw new HactlError('seed-command-not-run', `The command on ${instanceId} ended ${final.status} without an exit code of its own${final.statusDetails ? ` (${final.statusDetails})` : ''}.`, {
      data: {commandId, instanceId, status: final.status},
      exitCode: final.status === 'TimedOut' ? ExitCode.TimedOut : ExitCode.Failure,
      suggestions: ['Pass a larger --wait for long commands; `hactl seed status` shows whether the seed is reachable.'],
    })
  }

  const truncated = {stderr: stderr.length >= STDERR_LIMIT, stdout: stdout.length >= STDOUT_LIMIT}
  if (truncated.stdout || truncated.stderr) {
    reporter.emit({
      message: `SSM keeps only the first ${STDOUT_LIMIT.toLocaleString('en')} characters of output (${STDERR_LIMIT.toLocaleString('en')} of errors): the rest was cut. Write long output to a file on the seed and read it in parts.`,
      type: 'warning',
    })
  }

  return {
    commandId,
    exitCode,
    instanceId,
    status: final.status,
    stderr,
    stdout,
    truncated,
  }
}
