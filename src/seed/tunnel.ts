/**
 * `hactl seed tunnel`: the admin's way to the seed's site and admin pages,
 * through an SSM port-forwarding session (no open port, no SSH). The session
 * itself is the AWS CLI's with the Session Manager plugin: hactl finds the
 * seed, checks both programs are there, and runs
 *
 *   aws ssm start-session --target <id> --document-name AWS-StartPortForwardingSession
 *       --parameters '{"portNumber":["80"],"localPortNumber":["<N>"]}'
 *
 * The parameters go in the JSON form AWS's own examples use (the CLI form in
 * https://github.com/aws/aws-sdk/issues/7 and the Session Manager user guide,
 * "Start a session: port forwarding"); the document's parameters are lists of strings.
 */
import {spawn as nodeSpawn, spawnSync} from 'node:child_process'

import type {AwsClients} from '../aws/clients'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {shellQuote} from './cron'
import {requireSeed} from './state'

export interface TunnelPlan {
  readonly instanceId: string
  readonly localPort: number
  /** argv[0] is `aws`. */
  readonly argv: readonly string[]
  /** The same as one line to paste into a shell. */
  readonly commandLine: string
}

export async function planTunnel(options: {clients: Pick<AwsClients, 'configuredRegion' | 'ec2'>; site: string; localPort: number; profile?: string}): Promise<TunnelPlan> {
  const seed = await requireSeed(await options.clients.ec2(), options.site)
  const instanceId = seed.InstanceId ?? ''
  const region = options.clients.configuredRegion
  const argv = [
    'aws',
    'ssm',
    'start-session',
    '--target',
    instanceId,
    '--document-name',
    'AWS-StartPortForwardingSession',
    '--parameters',
    JSON.stringify({localPortNumber: [String(options.localPort)], portNumber: ['80']}),
    ...(region ? ['--region', region] : []),
    ...(options.profile ? ['--profile', options.profile] : []),
  ]
  return {argv, commandLine: argv.map((word) => shellQuote(word)).join(' '), instanceId, localPort: options.localPort}
}

/** What runs a program: spawnSync to probe, spawn (stdio inherited) for the session. Injected by tests. */
export interface Runner {
  /** Exit status of `program args…`, or undefined when the program is not there. */
  probe(program: string, args: readonly string[]): number | undefined
  run(argv: readonly string[], signal?: AbortSignal): Promise<number>
}

export const systemRunner: Runner = {
  probe(program, args) {
    const result = spawnSync(program, [...args], {stdio: 'ignore'})
    return result.error ? undefined : (result.status ?? undefined)
  },
  run(argv, signal) {
    return new Promise((resolve, reject) => {
      const child = nodeSpawn(argv[0], argv.slice(1), {signal, stdio: 'inherit'})
      child.on('error', reject)
      child.on('exit', (code) => resolve(code ?? 1))
    })
  },
}

/** The tools a session needs; a missing one ends with its own message and the command to run by hand. */
export function checkTunnelTools(plan: TunnelPlan, runner: Runner): void {
  const byHand = `Then run it by hand: ${plan.commandLine}`
  if (runner.probe('aws', ['--version']) === undefined) {
    throw new HactlError('aws-cli-missing', 'The AWS CLI (`aws`) is not installed or not on PATH; the tunnel is its Session Manager session.', {
      exitCode: ExitCode.NotReady,
      suggestions: ['Install AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html', byHand],
    })
  }

  if (runner.probe('session-manager-plugin', ['--version']) === undefined) {
    throw new HactlError('session-plugin-missing', 'The Session Manager plugin (`session-manager-plugin`) is not installed or not on PATH.', {
      exitCode: ExitCode.NotReady,
      suggestions: ['Install it: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html', byHand],
    })
  }
}
