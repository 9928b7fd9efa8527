/**
 * One script on the seed through SSM Run Command, waited for to its end:
 * what the bake sends (the change marker, stop-cron, clean, start-cron).
 * Unlike `hactl seed exec` nothing streams: the bake needs the result only.
 */
import {COMMAND_POLL} from '../aws/run-command'
import type {CommandInvocation, SsmApi} from '../aws/ssm'
import {pollUntil} from '../aws/wait'
import type {Clock} from '../core/clock'
import type {Reporter} from '../core/progress'

export interface SeedScriptOptions {
  readonly ssm: SsmApi
  readonly clock: Clock
  readonly reporter: Reporter
  readonly instanceId: string
  /** The script: the lines AWS-RunShellScript runs. */
  readonly script: string
  /** At most 100 characters, shown in `aws ssm list-commands`. */
  readonly comment: string
  /** How long to wait for its end (and its execution limit, rounded up to whole seconds). */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

const FINAL = new Set(['Cancelled', 'Failed', 'Success', 'TimedOut'])

/** Sends the script and waits for its final status; the invocation says how it ended (exit code, output). */
export async function runOnSeed(options: SeedScriptOptions): Promise<CommandInvocation> {
  const {instanceId, ssm} = options
  const commandId = await ssm.sendCommand({
    comment: options.comment,
    commands: [options.script],
    executionTimeoutSeconds: Math.min(172_800, Math.max(30, Math.ceil(options.timeoutMs / 1000))),
    instanceId,
  })
  return (await pollUntil<CommandInvocation | undefined>({
    check: (invocation) => (invocation && FINAL.has(invocation.status) ? {state: 'done-with', value: invocation} : {state: 'retry', status: invocation?.status ?? 'Pending'}),
    clock: options.clock,
    ...COMMAND_POLL,
    poll: () => ssm.getCommandInvocation(commandId, instanceId),
    reporter: options.reporter,
    resumeHint: `\`aws ssm get-command-invocation --command-id ${commandId} --instance-id ${instanceId}\` shows how it ended.`,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    what: `${options.comment} on ${instanceId}`,
  })) as CommandInvocation
}
