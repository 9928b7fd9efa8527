/**
 * `hactl seed create`: one standalone instance, launched from the AMI the
 * environment runs, that boots into the seed and reports back.
 *
 *   find by tags ──► a pending/running seed? ─► yes: wait for it (same id)
 *        │ no
 *        ▼
 *   image (live bake │ platform base AMI) ─► network, seed SG, profile
 *        ─► user data + files payload (secret-scanned) ─► payload to EB's bucket (once per content)
 *        ─► RunInstances(ClientToken = site + generation)
 *        ▼
 *   wait: running ─► SSM agent Online ─► boot result ok
 *        │ failed / deadline
 *        ▼
 *   log tail ─► terminate (unless keepOnFailure) ─► next generation ─► error
 */
import type {Instance} from '@aws-sdk/client-ec2'

import type {AwsClients} from '../aws/clients'
import type {Ec2Api} from '../aws/ec2'
import type {SsmApi} from '../aws/ssm'
import type {HactlConfig} from '../config/schema'
import type {Deadline} from '../core/deadline'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {resolveNetwork} from '../env/network'
import {siteNames} from '../site/names'
import {bootResultParameterName, seedClientToken, seedTags} from './identity'
import {architectureOf, chooseSeedImage, seedRunInstancesInput, type SeedImage} from './launch'
import {findSeeds, nextGeneration, readGeneration, waitForSeedsGone, type BootResult} from './state'
import type {SeedPayloadObject} from './boot-script'
import {removeSeedPayloads} from './payload-store'
import {checkedUserData, seedBootOptions} from './user-data'
import {waitForAgent, waitForBoot} from './wait'
import {retargetSchedule} from '../staging/schedule'

export interface CreateSeedOptions {
  readonly config: HactlConfig
  /** iam, scheduler and sts: to point an existing staging-test schedule at a new seed. */
  readonly clients: Pick<AwsClients, 'clock' | 'eb' | 'ec2' | 's3' | 'ssm'> & Partial<Pick<AwsClients, 'iam' | 'scheduler' | 'sts'>>
  readonly reporter: Reporter
  /** The command's --wait from when the lock was taken. */
  readonly deadline: Deadline
  /** Ctrl-C or the site lock lost. */
  readonly signal?: AbortSignal
  /** Leave a seed whose boot failed or timed out running, to look at it. @default false */
  readonly keepOnFailure?: boolean
}

export interface CreateSeedResult {
  readonly site: string
  readonly instanceId: string
  /** false when a seed was already there (a re-run). */
  readonly launched: boolean
  readonly imageId: string
  /** Where the AMI came from; `existing` for a seed that was already there. */
  readonly imageSource: SeedImage['source'] | 'existing'
  readonly instanceType: string
  readonly state: string
  readonly agent: 'Online'
  readonly boot: {readonly status: 'ok'; readonly version: string; readonly at: string}
}

const step = (reporter: Reporter, id: string, title: string, state: 'start' | 'done' | 'skip', detail?: string): void =>
  reporter.emit({detail, id, state, title, type: 'step'})

/** The seed's subnet: the first instance subnet (sorted, so every run picks the same one). */
async function launchPlace(ec2: Ec2Api, config: HactlConfig): Promise<{securityGroupId: string; subnetId: string}> {
  const network = await resolveNetwork(ec2, config)
  const groupName = siteNames(config.site, config.region).securityGroup.seed
  const group = (await ec2.findSecurityGroups(network.vpcId, [groupName])).get(groupName)
  if (!group?.GroupId) {
    throw new HactlError('no-seed-security-group', `The seed's security group ${groupName} does not exist in ${network.vpcId}.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Run `hactl env create` first: it makes the seed\'s security group.'],
    })
  }

  return {securityGroupId: group.GroupId, subnetId: network.subnets[0] ?? ''}
}

/**
 * The seed's files where its user data says they are: the key is their hash,
 * so a re-run finds them there. EB's storage bucket, because the seed's
 * instance role can already read it: its AWSElasticBeanstalkWebTier managed
 * policy grants S3 reads on `arn:aws:s3:::elasticbeanstalk-*` (how web nodes
 * fetch application versions; AWS-NOTES-2 #19, EBDG `concepts-roles-instance`).
 * The policy text itself could not be re-read with the search tool for this
 * change: UNVERIFIED beyond those notes.
 */
async function uploadPayload(options: CreateSeedOptions, bucket: string, payload: SeedPayloadObject): Promise<void> {
  const s3 = await options.clients.s3()
  const where = `s3://${bucket}/${payload.key}`
  if (await s3.objectExists(bucket, payload.key)) {
    step(options.reporter, 'seed/files', "Upload the seed's files", 'skip', `${where} is already there`)
    return
  }

  step(options.reporter, 'seed/files', "Upload the seed's files", 'start', `${where} (${payload.body.length} bytes)`)
  await s3.putObject({body: payload.body, bucket, contentType: 'application/gzip', key: payload.key})
  // A seed reads its files once, at first boot; no seed runs now (one is being launched), so older payloads are no one's.
  const stale = await removeSeedPayloads(s3, bucket, siteNames(options.config.site, options.config.region).seedFilesPrefix, payload.key)
  step(options.reporter, 'seed/files', "Upload the seed's files", 'done', stale.length > 0 ? `${where}; ${stale.length} older payload(s) removed` : where)
}

async function launch(options: CreateSeedOptions, ec2: Ec2Api, ssm: SsmApi): Promise<{image: SeedImage; instance: Instance}> {
  const {config, reporter} = options
  const instanceType = config.seed.instanceType ?? config.environment.instanceType
  const eb = await options.clients.eb()
  const image = await chooseSeedImage({
    architecture: architectureOf(instanceType),
    eb,
    environmentName: siteNames(config.site, config.region).environment,
    site: config.site,
    ssm,
  })
  const [described] = await ec2.describeImages({imageIds: [image.imageId]})
  const place = await launchPlace(ec2, config)
  const tags = seedTags(config.site, config.tags)
  const bucket = await eb.createStorageLocation()
  const {payload, userData} = checkedUserData(seedBootOptions(config), tags, bucket)
  await uploadPayload(options, bucket, payload)
  // A result left by an earlier seed must not be taken for this one's.
  await ssm.deleteParameter(bootResultParameterName(config.site))

  let generation = await readGeneration(ssm, config.site)
  for (let attempt = 0; attempt < 3; attempt++) {
    step(reporter, 'seed/launch', 'Launch the seed', 'start', `${image.imageId} (${image.source}), generation ${generation}`)
    const input = seedRunInstancesInput({
      clientToken: seedClientToken(config.site, generation),
      imageId: image.imageId,
      instanceProfile: siteNames(config.site, config.region).instanceProfile,
      instanceType,
      rootDeviceName: described?.RootDeviceName ?? '/dev/xvda',
      securityGroupId: place.securityGroupId,
      subnetId: place.subnetId,
      tags,
      userData,
    })
    const [instance] = await ec2.runInstances(input)
    const state = instance?.State?.Name ?? ''
    // The token of a seed destroyed outside hactl: EC2 answers with that dead instance. Take the next generation.
    if (instance?.InstanceId && state !== 'shutting-down' && state !== 'terminated') {
      step(reporter, 'seed/launch', 'Launch the seed', 'done', instance.InstanceId)
      return {image, instance}
    }

    generation = await nextGeneration(ssm, config.site)
  }

  throw new HactlError('seed-launch-failed', 'EC2 kept answering with a terminated instance for the seed\'s client token.', {
    suggestions: ['Run `hactl seed destroy --yes`, then `hactl seed create` again.'],
  })
}

/** What a failed or late boot leaves: the log tail shown, the instance gone (unless kept), a new generation. */
async function giveUp(options: CreateSeedOptions, ec2: Ec2Api, ssm: SsmApi, instanceId: string, error: HactlError): Promise<never> {
  const {config, keepOnFailure, reporter} = options
  if (keepOnFailure) throw error.withSuggestions(`The seed ${instanceId} is kept (--keep-on-failure): \`hactl seed exec -- tail -n 100 /var/log/hactl-boot.log\`, then \`hactl seed destroy\`.`)

  step(reporter, 'seed/terminate', `Terminate the failed seed ${instanceId}`, 'start')
  await ec2.terminateInstances([instanceId])
  await nextGeneration(ssm, config.site)
  // Terminating is quick; wait a bounded time even when the deadline has passed, so nothing is left running.
  await waitForSeedsGone({
    clock: options.clients.clock,
    ec2,
    instanceIds: [instanceId],
    reporter,
    signal: options.signal,
    site: config.site,
    timeoutMs: Math.max(options.deadline.remainingMs(), 10 * 60_000),
  })
  step(reporter, 'seed/terminate', `Terminate the failed seed ${instanceId}`, 'done')
  // A timeout whose instance is gone is a failure, not "still in progress" (exit 7 means that).
  if (error.exitCode === ExitCode.TimedOut) {
    throw new HactlError('seed-boot-timeout', `${error.message.replace(/; it is still in progress on AWS\.$/, '.')} The seed was terminated.`, {
      cause: error,
      data: error.data,
      suggestions: ['Re-run `hactl seed create` (with a larger --wait), or add --keep-on-failure to look at the instance.'],
    })
  }

  throw error.withSuggestions('The seed was terminated; fix the cause and re-run `hactl seed create`.')
}

function bootFailedError(result: BootResult, instanceId: string): HactlError {
  const tail = result.log.trim()
  const shown = tail ? `\nLast lines of /var/log/hactl-boot.log:\n${tail.split('\n').map((line) => `  ${line}`).join('\n')}` : ''
  return new HactlError('seed-boot-failed', `The seed ${instanceId} failed to boot: ${result.reason || result.status}.${shown}`, {
    data: {instanceId, logTail: tail, reason: result.reason},
  })
}

/** A new seed has a new instance id: an existing staging-test schedule must send to it (a failure here is a warning). */
async function retargetStagingSchedule(options: CreateSeedOptions, instanceId: string): Promise<void> {
  const {iam, scheduler, sts} = options.clients
  if (!iam || !scheduler || !sts) return
  try {
    await retargetSchedule({clients: {clock: options.clients.clock, ec2: options.clients.ec2, iam, scheduler, sts}, config: options.config, instanceId, reporter: options.reporter})
  } catch (error) {
    options.reporter.emit({message: `Could not point the staging test schedule at ${instanceId}: ${(error as Error).message}. Run \`hactl test schedule\`.`, type: 'warning'})
  }
}

export async function createSeed(options: CreateSeedOptions): Promise<CreateSeedResult> {
  const {clients, config, deadline, reporter, signal} = options
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])

  const [existing] = await findSeeds(ec2, config.site, ['pending', 'running'])
  let image: SeedImage | undefined
  let instance = existing
  if (existing) {
    step(reporter, 'seed/launch', 'Launch the seed', 'skip', `${existing.InstanceId} is already there`)
  } else {
    ;({image, instance} = await launch(options, ec2, ssm))
  }

  const instanceId = instance?.InstanceId ?? ''
  try {
    step(reporter, 'seed/running', 'Wait for the instance to run', 'start')
    await ec2.waitForInstancesRunning([instanceId], deadline.wait(signal))
    step(reporter, 'seed/running', 'Wait for the instance to run', 'done')
    await waitForAgent({clock: clients.clock, deadline, instanceId, reporter, signal, ssm})
    const boot = await waitForBoot({clock: clients.clock, deadline, instanceId, reporter, signal, site: config.site, ssm})
    if (boot.status !== 'ok') throw bootFailedError(boot, instanceId)
    const [now] = await ec2.describeInstances({instanceIds: [instanceId]})
    if (existing === undefined) await retargetStagingSchedule(options, instanceId)
    return {
      agent: 'Online',
      boot: {at: boot.at, status: 'ok', version: boot.version},
      imageId: now?.ImageId ?? image?.imageId ?? '',
      imageSource: image?.source ?? 'existing',
      instanceId,
      instanceType: now?.InstanceType ?? '',
      launched: existing === undefined,
      site: config.site,
      state: now?.State?.Name ?? 'running',
    }
  } catch (error) {
    if (signal?.aborted || !HactlError.isHactlError(error)) throw error
    if (error.code !== 'seed-boot-failed' && error.exitCode !== ExitCode.TimedOut) throw error
    return giveUp(options, ec2, ssm, instanceId, error)
  }
}
