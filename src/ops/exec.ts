/**
 * `hactl exec -- CMD…`: one shell command on the site's web nodes through SSM
 * Run Command, for diagnosis (what is on disk, what PHP sees, what a process
 * does). Web nodes are replaceable and rebuilt from the baked image: a change
 * made here is lost at the next rollout or scale-out, and drift (`hactl
 * doctor`) reports it until then.
 *
 *   web nodes (EC2: elasticbeanstalk:environment-name tag, running)
 *      └─ --instance ID (must be one of them) | --all-web
 *   agents Online? (DescribeInstanceInformation) ── not Online ─► that node failed, nothing sent
 *   at most --concurrency at once: runOnInstance (src/aws/run-command.ts, shared with seed exec)
 *      └─► one result per node: exit code, output; any node not 0 ─► the command fails
 */
import type {AwsClients} from '../aws/clients'
import {runOnInstance, type RunOnInstanceResult} from '../aws/run-command'
import type {Deadline} from '../core/deadline'
import {HactlError, UserError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {siteNames} from '../site/names'
import {commandLine} from '../seed/exec'

/** @default --concurrency */
export const DEFAULT_CONCURRENCY = 5

export interface FleetExecOptions {
  readonly site: string
  readonly region: string
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 'ssm'>
  readonly reporter: Reporter
  /** The words after `--`: one word is run as a script; several are quoted and joined. */
  readonly argv: readonly string[]
  /** One web node; undefined with `allWeb`. */
  readonly instanceId?: string
  readonly allWeb?: boolean
  /** How many nodes run it at once. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number
  readonly deadline: Deadline
  readonly signal?: AbortSignal
  /** Each node's result as it ends (the library never prints). */
  readonly onResult?: (result: NodeExecResult) => void
}

/** One node's outcome: what SSM ran and returned, or why nothing ran there. */
export type NodeExecResult =
  | (Omit<RunOnInstanceResult, 'statusDetails'> & {readonly ok: boolean; readonly statusDetails?: string})
  | {readonly instanceId: string; readonly ok: false; readonly exitCode: -1; readonly status: 'NotRun'; readonly reason: string}

export interface FleetExecResult {
  readonly site: string
  readonly command: string
  /** One per node, in instance-id order. */
  readonly results: readonly NodeExecResult[]
  readonly failed: number
}

/** The site's running web nodes, by instance id. */
export async function webInstanceIds(clients: Pick<AwsClients, 'ec2'>, site: string, region: string): Promise<string[]> {
  const ec2 = await clients.ec2()
  const found = await ec2.describeInstances({states: ['running'], tags: {'elasticbeanstalk:environment-name': siteNames(site, region).environment}})
  return found.map((instance) => instance.InstanceId ?? '').filter((id) => id !== '').sort()
}

/** Runs `work` on each item with at most `limit` running at once; results in input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  }

  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, lane))
  return results
}

async function targets(options: FleetExecOptions): Promise<string[]> {
  const web = await webInstanceIds(options.clients, options.site, options.region)
  if (web.length === 0) {
    throw new HactlError('no-web-nodes', `Site ${options.site} has no running web node.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['`hactl env status` shows the environment; `hactl env create` makes it.'],
    })
  }

  if (options.allWeb) return web
  if (options.instanceId !== undefined && web.includes(options.instanceId)) return [options.instanceId]
  throw new UserError('not-a-web-node', `${options.instanceId ?? '(none)'} is not a running web node of ${options.site}.`, {
    exitCode: ExitCode.Usage,
    suggestions: [`Its web nodes: ${web.join(', ')}. Or pass --all-web. (For the seed: \`hactl seed exec\`.)`],
  })
}

export async function execOnWebNodes(options: FleetExecOptions): Promise<FleetExecResult> {
  const {clients, reporter} = options
  if (options.argv.length === 0 || options.argv.join('').trim() === '') {
    throw new UserError('no-command', 'No command given to run on the web nodes.', {exitCode: ExitCode.Usage, suggestions: ['Put it after --, e.g. `hactl exec --all-web -- uptime`.']})
  }

  const line = commandLine(options.argv)
  const ids = await targets(options)
  const ssm = await clients.ssm()
  const online = new Set((await ssm.describeInstanceInformation(ids)).filter((info) => info.pingStatus === 'Online').map((info) => info.instanceId))
  const title = `Run on ${ids.length} web node(s): ${line}`
  reporter.emit({detail: `at most ${options.concurrency ?? DEFAULT_CONCURRENCY} at once`, id: 'exec', state: 'start', title, type: 'step'})
  let done = 0
  const results = await mapLimited(ids, options.concurrency ?? DEFAULT_CONCURRENCY, async (instanceId): Promise<NodeExecResult> => {
    const result: NodeExecResult = online.has(instanceId)
      ? await runOnInstance({clock: clients.clock, comment: `hactl exec: ${line}`, deadline: options.deadline, instanceId, line, reporter, signal: options.signal, ssm, where: 'the web nodes'}).then(
          (ran) => ({...ran, ok: ran.status === 'Success' && ran.exitCode === 0}),
        )
      : {exitCode: -1, instanceId, ok: false, reason: 'its SSM agent is not Online (instance role, network path to SSM)', status: 'NotRun'}
    done += 1
    reporter.emit({message: `${instanceId}: ${'reason' in result ? 'not run' : `exit ${result.exitCode}`} (${done} / ${ids.length})`, type: 'info'})
    options.onResult?.(result)
    return result
  })
  const failed = results.filter((result) => !result.ok).length
  reporter.emit({detail: failed === 0 ? 'all exited 0' : `${failed} of ${ids.length} failed`, id: 'exec', state: failed === 0 ? 'done' : 'fail', title, type: 'step'})
  return {command: line, failed, results, site: options.site}
}
