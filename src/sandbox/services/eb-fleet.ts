import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'
import type {RunInstancesCommandInput} from '@aws-sdk/client-ec2'

import {SimError} from '../errors'
import type {OperationContext} from '../types'
import {runInstances, terminateInstances} from './ec2-instances'
import {syncLaunchTemplate} from './ec2-launch-templates'
import {ec2Slice, imageState, instanceState, type Ec2State, type InstanceRecord} from './ec2-model'
import {configurationError, optionList, optionValue, type EbContext, type EbEnvironmentRecord, type EbLaunchSpec as LaunchSpec} from './eb-model'
import {architectureOf} from './ec2-offerings'
import {platformImage, type PlatformEntry} from './eb-platforms'
import {wantsDefaultGroup} from './eb-security-group'

/*
 * The environment's EC2 instances, kept in the EC2 state so `DescribeInstances`
 * sees them as hactl would on AWS. The Auto Scaling group itself is not
 * simulated: EB launches and terminates the instances directly.
 *
 *   CreateEnvironment ──► launchInstances(MinSize)
 *   UpdateEnvironment ──► launch spec changed?  yes ─► replaceFleet (all at once)
 *                                               no  ─► resizeFleet  (MinSize/MaxSize)
 *   TerminateEnvironment ─► terminateMembers(all)
 *
 * A rolling or health-based replacement would plan batches over the update's
 * duration instead of replacing at once; `replaceFleet` is the one place to
 * change for that.
 */

const LAUNCH = 'aws:autoscaling:launchconfiguration'

/** EB's default instance type when neither InstanceTypes nor InstanceType is set (AL2023 platforms). */
const DEFAULT_INSTANCE_TYPE = 't3.micro'


function instanceTypeOf(settings: readonly ConfigurationOptionSetting[]): string {
  // "If both are set, InstanceTypes[0] wins and InstanceType is ignored."
  return optionList(settings, 'aws:ec2:instances', 'InstanceTypes')[0] ?? optionValue(settings, LAUNCH, 'InstanceType') ?? DEFAULT_INSTANCE_TYPE
}

function subnetsOf(settings: readonly ConfigurationOptionSetting[], ec2: Ec2State): string[] {
  const given = optionList(settings, 'aws:ec2:vpc', 'Subnets')
  const vpcId = optionValue(settings, 'aws:ec2:vpc', 'VPCId')
  if (given.length > 0) {
    const missing = given.find((id) => !ec2.subnets.some((subnet) => subnet.id === id))
    if (missing !== undefined) {
      throw configurationError(`Invalid option value: '${given.join(',')}' (Namespace: 'aws:ec2:vpc', OptionName: 'Subnets'): The subnet '${missing}' does not exist.`)
    }

    return given
  }

  if (vpcId !== undefined) throw configurationError("Invalid option value: 'null' (Namespace: 'aws:ec2:vpc', OptionName: 'Subnets'): Specify the subnets for the VPC.")
  // Without the namespace EB uses the default VPC's default subnets.
  const defaultVpc = ec2.vpcs.find((vpc) => vpc.isDefault)
  return ec2.subnets.filter((subnet) => subnet.vpcId === defaultVpc?.id && subnet.defaultForAz).map((subnet) => subnet.id)
}

function imageOf(settings: readonly ConfigurationOptionSetting[], platform: PlatformEntry, instanceType: string, ec2: Ec2State, now: number): string {
  const custom = optionValue(settings, LAUNCH, 'ImageId')
  if (custom === undefined) {
    const image = platformImage(ec2, platform, architectureOf(instanceType), now)
    if (!image) throw configurationError(`No ${architectureOf(instanceType)} image of platform '${platform.branch}' is available for instance type '${instanceType}'.`)
    return image.id
  }

  const image = ec2.images.find((candidate) => candidate.id === custom)
  if (!image || imageState(image, now) !== 'available') {
    throw configurationError(`Invalid option value: '${custom}' (Namespace: '${LAUNCH}', OptionName: 'ImageId'): The image '${custom}' does not exist or is not available.`)
  }

  return image.id
}

function securityGroupsOf(settings: readonly ConfigurationOptionSetting[], ec2: Ec2State): string[] {
  const groups = optionList(settings, LAUNCH, 'SecurityGroups')
  const missing = groups.find((group) => !ec2.securityGroups.some((candidate) => candidate.id === group || candidate.name === group))
  if (missing !== undefined) {
    throw configurationError(`Invalid option value: '${groups.join(',')}' (Namespace: '${LAUNCH}', OptionName: 'SecurityGroups'): The security group '${missing}' does not exist.`)
  }

  return groups
}

/** The launch spec the settings give on the platform; throws what EB says about settings that cannot launch. */
export function launchSpec(
  settings: readonly ConfigurationOptionSetting[],
  platform: PlatformEntry,
  ec2: Ec2State,
  context: OperationContext,
): LaunchSpec {
  const instanceType = instanceTypeOf(settings)
  return {
    imageId: imageOf(settings, platform, instanceType, ec2, context.now),
    instanceType,
    httpTokens: optionValue(settings, LAUNCH, 'DisableIMDSv1')?.toLowerCase() === 'true' ? 'required' : 'optional',
    securityGroups: securityGroupsOf(settings, ec2),
    iamInstanceProfile: optionValue(settings, LAUNCH, 'IamInstanceProfile'),
    keyName: optionValue(settings, LAUNCH, 'EC2KeyName'),
    subnets: subnetsOf(settings, ec2),
    defaultSecurityGroup: wantsDefaultGroup(settings),
  }
}

export function sameSpec(a: LaunchSpec, b: LaunchSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

// ---- size -------------------------------------------------------------------

export interface FleetSize {
  readonly min: number
  readonly max: number
}

function sizeOption(settings: readonly ConfigurationOptionSetting[], name: 'MaxSize' | 'MinSize', fallback: number): number {
  const value = optionValue(settings, 'aws:autoscaling:asg', name)
  if (value === undefined) return fallback
  const size = Number(value)
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    throw configurationError(`Invalid option value: '${value}' (Namespace: 'aws:autoscaling:asg', OptionName: '${name}'): Value is not an integer between 1 and 10000.`)
  }

  return size
}

/** MinSize (default 1) and MaxSize (default 4); a single-instance environment always has one. */
export function fleetSize(settings: readonly ConfigurationOptionSetting[]): FleetSize {
  if (optionValue(settings, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance') return {min: 1, max: 1}
  const min = sizeOption(settings, 'MinSize', 1)
  const max = sizeOption(settings, 'MaxSize', 4)
  if (min > max) {
    throw configurationError(`Invalid option value: '${min}' (Namespace: 'aws:autoscaling:asg', OptionName: 'MinSize'): MinSize must be less than or equal to MaxSize (${max}).`)
  }

  return {min, max}
}

// ---- members ----------------------------------------------------------------

/** The environment's instances that are pending or running, oldest first. */
export function liveMembers(env: EbEnvironmentRecord, ec2: Ec2State, now: number): InstanceRecord[] {
  return env.instanceIds
    .map((id) => ec2.instances.find((instance) => instance.id === id))
    .filter((instance): instance is InstanceRecord => {
      const state = instance === undefined ? undefined : instanceState(instance, now)
      return state === 'pending' || state === 'running'
    })
}

/** The subnet with the fewest live members, first listed on a tie: Auto Scaling keeps AZs balanced. */
function nextSubnet(subnets: readonly string[], members: readonly InstanceRecord[]): string {
  const used = (subnet: string) => members.filter((member) => member.subnetId === subnet).length
  return subnets.reduce((best, subnet) => (used(subnet) < used(best) ? subnet : best), subnets[0])
}

function runInput(spec: LaunchSpec, env: EbEnvironmentRecord, subnetId: string): RunInstancesCommandInput {
  const profile = spec.iamInstanceProfile
  // EB's own group goes on besides the configured ones (eb-security-group.ts).
  const own = spec.defaultSecurityGroup ? env.instanceSecurityGroupId : undefined
  const groups = own === undefined ? spec.securityGroups : [...spec.securityGroups, own]
  const tags = {...env.tags, Name: env.name}
  return {
    ImageId: spec.imageId,
    InstanceType: spec.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    SubnetId: subnetId,
    SecurityGroupIds: groups.some((group) => group.startsWith('sg-')) ? groups.filter((group) => group.startsWith('sg-')) : undefined,
    SecurityGroups: groups.some((group) => !group.startsWith('sg-')) ? groups.filter((group) => !group.startsWith('sg-')) : undefined,
    IamInstanceProfile: profile === undefined ? undefined : profile.startsWith('arn:') ? {Arn: profile} : {Name: profile},
    KeyName: spec.keyName,
    MetadataOptions: {HttpTokens: spec.httpTokens},
    TagSpecifications: [{ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({Key, Value}))}],
  }
}

/**
 * Launches `count` instances into the environment with the given spec.
 * RunInstances refuses `aws:` tag keys from callers; Auto Scaling and
 * CloudFormation set theirs themselves, so they are written on the records.
 */
export function launchInstances(eb: EbContext, env: EbEnvironmentRecord, spec: LaunchSpec, count: number, context: OperationContext): string[] {
  const ec2 = ec2Slice(eb.region, context)
  const launched: string[] = []
  for (let index = 0; index < count; index += 1) {
    const members = liveMembers(env, ec2, context.now)
    let id: string
    try {
      id = runInstances(ec2, runInput(spec, env, nextSubnet(spec.subnets, members)), context).Instances?.[0]?.InstanceId ?? ''
    } catch (error) {
      if (error instanceof SimError) throw configurationError(error.message)
      throw error
    }

    const record = ec2.instances.find((instance) => instance.id === id)
    if (record) {
      record.tags['aws:autoscaling:groupName'] = env.stack.autoScalingGroup
      record.tags['aws:cloudformation:stack-name'] = env.stack.name
      record.tags['aws:cloudformation:logical-id'] = 'AWSEBAutoScalingGroup'
    }

    env.instanceIds.push(id)
    launched.push(id)
  }

  return launched
}

/** Sets the environment's launch settings and keeps its EC2 launch template (a new default version) in step with them. */
export function setLaunch(eb: EbContext, env: EbEnvironmentRecord, spec: LaunchSpec, context: OperationContext): void {
  env.launch = spec
  const owner = {id: env.stack.launchTemplateId, name: env.stack.launchTemplateName, tags: env.tags, stackName: env.stack.name}
  syncLaunchTemplate(ec2Slice(eb.region, context), owner, spec, context)
}

/** Terminates the given members in EC2 and takes them out of the environment. */
export function terminateMembers(eb: EbContext, env: EbEnvironmentRecord, ids: readonly string[], context: OperationContext): void {
  const ec2 = ec2Slice(eb.region, context)
  const present = ids.filter((id) => ec2.instances.some((instance) => instance.id === id))
  if (present.length > 0) terminateInstances(ec2, {InstanceIds: [...present]}, context)
  env.instanceIds = env.instanceIds.filter((id) => !ids.includes(id))
}

export interface FleetChange {
  readonly added: readonly string[]
  readonly removed: readonly string[]
}

/** All at once: every live member is terminated and as many new ones (within MinSize/MaxSize) launched. */
export function replaceFleet(eb: EbContext, env: EbEnvironmentRecord, spec: LaunchSpec, context: OperationContext): FleetChange {
  const ec2 = ec2Slice(eb.region, context)
  const size = fleetSize(env.optionSettings)
  const old = liveMembers(env, ec2, context.now).map((instance) => instance.id)
  terminateMembers(eb, env, env.instanceIds, context)
  const count = Math.min(size.max, Math.max(size.min, old.length))
  return {added: launchInstances(eb, env, spec, count, context), removed: old}
}

/** Brings the live count within MinSize/MaxSize: launches the shortfall, or terminates the newest extras. */
export function resizeFleet(eb: EbContext, env: EbEnvironmentRecord, spec: LaunchSpec, context: OperationContext): FleetChange {
  const ec2 = ec2Slice(eb.region, context)
  const size = fleetSize(env.optionSettings)
  const live = liveMembers(env, ec2, context.now).map((instance) => instance.id)
  if (live.length < size.min) return {added: launchInstances(eb, env, spec, size.min - live.length, context), removed: []}
  if (live.length > size.max) {
    const extra = live.slice(size.max)
    terminateMembers(eb, env, extra, context)
    return {added: [], removed: extra}
  }

  return {added: [], removed: []}
}
