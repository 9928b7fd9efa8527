/**
 * One shell command on one instance through SSM Run Command
 * (AWS-RunShellScript, as root, no SSH, no open port), watched to its end:
 * what `hactl seed exec` and `hactl exec` (web nodes) share.
 *
 *   SendCommand(InstanceIds=[id]) ─► poll GetCommandInvocation ─► Success | Failed | TimedOut | Cancelled
 *                                      │ new output ─► onOutput        ResponseCode = the exit code
 *
 * SSM keeps only the first 24,000 characters of stdout and 8,000 of stderr
 * in GetCommandInvocation (AWS-NOTES-2 B.4); the result says when output was
 * cut so nobody takes a cut log for the whole of it.
 */
import type {Clock} from '../core/clock'
import type {Deadline} from '../core/deadline'
import type {Reporter} from '../core/progress'
import type {CommandInvocation, SsmApi} from './ssm'
import {pollUntil} from './wait'

export const STDOUT_LIMIT = 24_000
export const STDERR_LIMIT = 8000

const DONE = new Set(['Cancelled', 'Failed', 'Success', 'TimedOut'])

export interface RunOnInstanceOptions {
  readonly ssm: Pick<SsmApi, 'getCommandInvocation' | 'sendCommand'>
  readonly clock: Clock
  readonly reporter: Reporter
  readonly instanceId: string
  /** The script line SSM runs. */
  readonly line: string
  /** SendCommand's Comment (at most 100 characters; cut here). */
  readonly comment: string
  readonly deadline: Deadline
  readonly signal?: AbortSignal
  /** Output as it arrives, in order; the library never prints. */
  readonly onOutput?: (stream: 'stderr' | 'stdout', text: string) => void
  /** Where the command runs, for the hint when --wait runs out (the command goes on there). @default 'the instance' */
  readonly where?: string
}

export interface RunOnInstanceResult {
  readonly instanceId: string
  readonly commandId: string
  /** SSM's final status: Success, Failed, TimedOut, Cancelled. */
  readonly status: string
  /** SSM's status detail (e.g. Undeliverable, ExecutionTimedOut). */
  readonly statusDetails?: string
  /** The command's own exit code (SSM ResponseCode); -1 when it ended without one. */
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  /** SSM kept only the first 24,000 (stdout) / 8,000 (stderr) characters. */
  readonly truncated: {readonly stdout: boolean; readonly stderr: boolean}
}

/** Sends the command and polls it to its end. A deadline ends in exit 7 (TimeoutError): the command goes on. */
/**
 * How a command's invocation is polled: first 2 s after SendCommand (no
 * command is delivered and run sooner, and GetCommandInvocation right after
 * SendCommand may not know the invocation yet), then 2, 4 and 8 s later,
 * then every 15 s. A short command (most are) is seen within a few seconds
 * of its end, a 15-second one with 4 looks; a long one is asked about at
 * most 4 times a minute, so a site's waits stay far from SSM's throttling.
 */
export const COMMAND_POLL = {initialDelayMs: 2000, maxDelayMs: 15_000, minDelayMs: 2000} as const

export async function runOnInstance(options: RunOnInstanceOptions): Promise<RunOnInstanceResult> {
  const {clock, deadline, instanceId, reporter, ssm} = options
  const commandId = await ssm.sendCommand({
    comment: options.comment.slice(0, 100),
    commands: [options.line],
    // AWS-RunShellScript allows up to 48 h (AWS-NOTES-2 B.4); past --wait hactl stops watching anyway.
    executionTimeoutSeconds: Math.min(172_800, Math.max(30, Math.ceil(deadline.remainingMs() / 1000))),
    instanceId,
  })

  const shown = {stderr: 0, stdout: 0}
  const pass = (stream: 'stderr' | 'stdout', content: string | undefined): void => {
    const text = content ?? ''
    if (text.length > shown[stream]) {
      options.onOutput?.(stream, text.slice(shown[stream]))
      shown[stream] = text.length
    }
  }

  const final = (await pollUntil<CommandInvocation | undefined>({
    check: (invocation) => {
      pass('stdout', invocation?.stdout)
      pass('stderr', invocation?.stderr)
      const status = invocation?.status ?? 'Pending'
      return DONE.has(status) && invocation ? {state: 'done-with', value: invocation} : {state: 'retry', status}
    },
    clock,
    ...COMMAND_POLL,
    poll: () => ssm.getCommandInvocation(commandId, instanceId),
    reporter,
    resumeHint: `The command goes on on ${options.where ?? 'the instance'}: \`aws ssm get-command-invocation --command-id ${commandId} --instance-id ${instanceId}\` shows its result.`,
    signal: options.signal,
    timeoutMs: deadline.remainingMs(),
    what: `the command ${commandId} on ${instanceId}`,
  })) as CommandInvocation

  const {stderr, stdout} = final
  const truncated = {stderr: stderr.length >= STDERR_LIMIT, stdout: stdout.length >= STDOUT_LIMIT}
  if (truncated.stdout || truncated.stderr) {
    reporter.emit({
      message: `${instanceId}: SSM keeps only the first ${STDOUT_LIMIT.toLocaleString('en')} characters of output (${STDERR_LIMIT.toLocaleString('en')} of errors): the rest was cut. Write long output to a file on the instance and read it in parts.`,
      type: 'warning',
    })
  }

  return {commandId, exitCode: final.responseCode, instanceId, status: final.status, statusDetails: final.statusDetails, stderr, stdout, truncated}
}
