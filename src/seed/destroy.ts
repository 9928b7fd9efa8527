/**
 * `hactl seed destroy`: terminates the seed and clears what hactl keeps
 * about it. Uploads (EFS) and the database are the site's, not the seed's,
 * and are not touched; neither are the bakes made from it.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import type {Deadline} from '../core/deadline'
import type {Reporter} from '../core/progress'
import {siteNames} from '../site/names'
import {bootResultParameterName, cronHeartbeatParameterName} from './identity'
import {ebStorageBucket, removeSeedPayloads} from './payload-store'
import {findSeeds, nextGeneration, waitForSeedsGone} from './state'

export interface DestroySeedOptions {
  readonly config: HactlConfig
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 's3' | 'ssm' | 'sts'>
  readonly reporter: Reporter
  readonly deadline: Deadline
  readonly signal?: AbortSignal
}

export interface DestroySeedResult {
  readonly site: string
  /** Seeds terminated by this run (empty on a re-run: nothing was left). */
  readonly terminated: readonly string[]
  /** SSM parameters, and the seed's files payloads in EB's bucket (s3://…), deleted. */
  readonly cleared: readonly string[]
  readonly kept: readonly string[]
}

export async function destroySeed(options: DestroySeedOptions): Promise<DestroySeedResult> {
  const {config, deadline, reporter, signal} = options
  const [ec2, ssm] = await Promise.all([options.clients.ec2(), options.clients.ssm()])
  // Every seed of the site, stopped ones too: destroy leaves none behind.
  const seeds = await findSeeds(ec2, config.site, ['pending', 'running', 'stopping', 'stopped', 'shutting-down'])
  const ids = seeds.map((seed) => seed.InstanceId ?? '').filter(Boolean)
  if (ids.length > 0) {
    reporter.emit({detail: ids.join(', '), id: 'seed/terminate', state: 'start', title: 'Terminate the seed', type: 'step'})
    const live = seeds.filter((seed) => seed.State?.Name !== 'shutting-down').map((seed) => seed.InstanceId ?? '')
    if (live.length > 0) await ec2.terminateInstances(live)
    // The next create must get a new instance, not this one back for the old client token.
    await nextGeneration(ssm, config.site)
    await waitForSeedsGone({clock: options.clients.clock, ec2, instanceIds: ids, reporter, site: config.site, ...deadline.wait(signal)})
    reporter.emit({id: 'seed/terminate', state: 'done', title: 'Terminate the seed', type: 'step'})
  }

  const cleared: string[] = []
  for (const name of [bootResultParameterName(config.site), cronHeartbeatParameterName(config.site)]) {
    if (await ssm.deleteParameter(name)) cleared.push(name)
  }

  const [s3, {account}] = await Promise.all([options.clients.s3(), options.clients.sts().then(async (sts) => sts.getCallerIdentity())])
  const bucket = ebStorageBucket(config.region, account)
  const payloads = await removeSeedPayloads(s3, bucket, siteNames(config.site, config.region).seedFilesPrefix)
  cleared.push(...payloads.map((key) => `s3://${bucket}/${key}`))

  return {
    cleared,
    kept: ['uploads (EFS)', 'database', 'baked images'],
    site: config.site,
    terminated: ids,
  }
}
