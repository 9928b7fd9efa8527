import type {ConfigurationOptionSetting, EnvironmentStatus, EventSeverity, OptionSpecification, Tag} from '@aws-sdk/client-elastic-beanstalk'

import {isEbOption} from './eb-namespaces'
import type {EbRollingRecord} from './eb-rolling'
import type {EbTemplateRecord} from './eb-templates'
import {DURATIONS} from '../durations'
import {SimError} from '../errors'
import type {OperationContext, RegionState} from '../types'
import {checkTags as checkTagRules, reservedPrefixes, type TagRules} from '../tags'

/*
 * The Elastic Beanstalk state and what the EB handlers share: records (times
 * in simulated ms, so the state file stays plain JSON), lifecycles derived
 * from timestamps, option settings, tags, ARNs, AWS-shaped names and AWS's
 * error wording. Behaviour: eb.md beside this file.
 */

export type Tags = Record<string, string>

export interface EbApplicationRecord {
  readonly name: string
  description: string | undefined
  readonly createdAt: number
  updatedAt: number
  tags: Tags
  /** Saved configurations (eb-templates.ts). Optional: absent while it has none and in older state files. */
  templates?: EbTemplateRecord[]
}

export interface EbVersionRecord {
  readonly application: string
  readonly label: string
  readonly description: string | undefined
  /** The source bundle; both undefined for EB's sample application. */
  readonly bucket: string | undefined
  readonly key: string | undefined
  readonly process: boolean
  readonly createdAt: number
  tags: Tags
}

/** What an environment is doing: the latest operation decides its status. */
export type EbOperationKind = 'launch' | 'configure' | 'deploy' | 'terminate'

export interface EbOperationRecord {
  readonly kind: EbOperationKind
  readonly startedAt: number
  /** Simulated ms until the operation completes. */
  readonly duration: number
  readonly requestId: string
  /** A configuration update: the settings deployed before it, reported as `deployed` while it runs. */
  readonly previousOptionSettings?: ConfigurationOptionSetting[]
  /**
   * A health-based rolling replacement of the instances (eb-rolling.ts): its
   * batches and how far the advance phase has played them. Optional: absent
   * for every other operation and in states written before it existed.
   */
  readonly rolling?: EbRollingRecord
}

/**
 * Names of the resources EB's CloudFormation stack makes for the environment.
 * They appear in events and DescribeEnvironmentResources; the load balancer,
 * alarms and the Auto Scaling group itself are not simulated resources. The
 * instance security group is: a real group in the EC2 state (eb-security-group.ts).
 */
export interface EbStackRecord {
  /** `awseb-e-<id>-stack` */
  readonly name: string
  readonly autoScalingGroup: string
  readonly launchTemplateId: string
  readonly launchTemplateName: string
  /** The name of EB's instance security group (`AWSEBSecurityGroup`), `awseb-e-<id>-stack-AWSEBSecurityGroup-<12>`. */
  readonly securityGroup: string
  readonly alarmHigh: string
  readonly alarmLow: string
  /** Undefined for a single-instance environment. */
  readonly loadBalancer: EbLoadBalancerRecord | undefined
}

export interface EbLoadBalancerRecord {
  readonly type: 'application' | 'classic' | 'network'
  /** The name EB reports (`awseb--AWSEB-…`); for ALB/NLB the ARN is what DescribeEnvironmentResources lists. */
  readonly name: string
  readonly arn: string | undefined
  readonly dnsName: string
  readonly securityGroupId: string
  readonly targetGroupArn: string | undefined
  readonly listenerArn: string | undefined
}

/** What the environment's instances are launched with; a change replaces them (see eb-fleet.ts). */
export interface EbLaunchSpec {
  readonly imageId: string
  readonly instanceType: string
  readonly httpTokens: 'optional' | 'required'
  readonly securityGroups: readonly string[]
  readonly iamInstanceProfile: string | undefined
  readonly keyName: string | undefined
  readonly subnets: readonly string[]
  /** EB's own instance security group goes on the instances too (unless `DisableDefaultEC2SecurityGroup` is true). */
  readonly defaultSecurityGroup: boolean
}

export interface EbEnvironmentRecord {
  readonly id: string
  readonly name: string
  readonly application: string
  versionLabel: string | undefined
  platformArn: string
  description: string | undefined
  readonly cname: string
  readonly endpointUrl: string
  readonly createdAt: number
  /** The deployed option settings (during a configuration update: the new ones). */
  optionSettings: ConfigurationOptionSetting[]
  tags: Tags
  /** The EC2 instances in the environment's Auto Scaling group, oldest first. */
  instanceIds: string[]
  /** What the current instances were launched with. */
  launch: EbLaunchSpec
  /** Counts application deployments (instance health `Deployment.DeploymentId`). */
  deploymentId: number
  readonly stack: EbStackRecord
  operation: EbOperationRecord
  /**
   * The EC2 id of EB's instance security group (`stack.securityGroup` by
   * name) while it exists; see eb-security-group.ts. Optional: absent while
   * the environment has none.
   */
  instanceSecurityGroupId?: string
  /**
   * Set by the `health-red` fault: the application failed to deploy on the
   * instances. Health stays Red/Severe until a version deploys. Optional: absent
   * in states written before the fault existed.
   */
  deploymentFailed?: boolean
  /**
   * The configuration a failed (or aborted) rolling update tried to deploy:
   * DescribeConfigurationSettings shows it as a draft with DeploymentStatus
   * `failed` until the next configuration update replaces it. Optional:
   * absent while no update failed.
   */
  failedDraft?: {readonly optionSettings: ConfigurationOptionSetting[]; readonly at: number}
}

/** One event, planned when its operation starts; visible once its date has come. */
export interface EbEventRecord {
  readonly date: number
  readonly message: string
  readonly severity: EventSeverity
  readonly application: string
  readonly environmentName: string | undefined
  readonly environmentId: string | undefined
  readonly versionLabel: string | undefined
  readonly requestId: string
}

export interface EbState {
  applications: EbApplicationRecord[]
  versions: EbVersionRecord[]
  environments: EbEnvironmentRecord[]
  events: EbEventRecord[]
}

/** What an EB handler works on: its own state, and the region (EC2 for instances, S3 for bundles). */
export interface EbContext {
  readonly state: EbState
  readonly region: RegionState
}

/** EB keeps events for six weeks ("Returns … up to the last 6 weeks"). */
export const EVENT_RETENTION_MS = 42 * 24 * 60 * 60_000

/** The region's EB state, created on first use; environments past their visibility and old events are forgotten. */
export function ebSlice(region: RegionState, context: OperationContext): EbContext {
  region.eb ??= {applications: [], versions: [], environments: [], events: []}
  const state = region.eb
  if (state.environments.some((env) => environmentStatus(env, context.now) === undefined)) {
    state.environments = state.environments.filter((env) => environmentStatus(env, context.now) !== undefined)
  }

  if (state.events.some((event) => event.date < context.now - EVENT_RETENTION_MS)) {
    state.events = state.events.filter((event) => event.date >= context.now - EVENT_RETENTION_MS)
  }

  return {state, region}
}

// ---- lifecycles -------------------------------------------------------------

/** When the environment's latest operation completes. */
export function operationEnd(env: EbEnvironmentRecord): number {
  return env.operation.startedAt + env.operation.duration
}

/** The environment's status at `now`; undefined once a terminated environment is no longer visible. */
export function environmentStatus(env: EbEnvironmentRecord, now: number): EnvironmentStatus | undefined {
  const done = now >= operationEnd(env)
  switch (env.operation.kind) {
    case 'launch': {
      return done ? 'Ready' : 'Launching'
    }

    case 'configure':
    case 'deploy': {
      return done ? 'Ready' : 'Updating'
    }

    case 'terminate': {
      if (!done) return 'Terminating'
      return now < operationEnd(env) + DURATIONS.ebTerminatedVisible ? 'Terminated' : undefined
    }
  }
}

export function isLive(env: EbEnvironmentRecord, now: number): boolean {
  const status = environmentStatus(env, now)
  return status !== undefined && status !== 'Terminated'
}

// ---- errors (AWS's codes and wording) ---------------------------------------

export function invalidParameterValue(message: string): SimError {
  return new SimError('InvalidParameterValue', message)
}

export function invalidParameterCombination(message: string): SimError {
  return new SimError('InvalidParameterCombination', message)
}

/** CreateEnvironment / UpdateEnvironment reject bad option settings with this code and prefix. */
export function configurationError(message: string): SimError {
  return new SimError('ConfigurationValidationException', `Configuration validation exception: ${message}`)
}

export const errors = {
  applicationNotFound: (name: string) => invalidParameterValue(`No Application named '${name}' found.`),
  versionNotFound: (label: string) => invalidParameterValue(`No Application Version named '${label}' found.`),
  environmentNotFound: (by: 'EnvironmentId' | 'EnvironmentName', value: string) =>
    invalidParameterValue(`No Environment found for ${by} = '${value}'.`),
  notReady: (name: string) => invalidParameterValue(`Environment named ${name} is in an invalid state for this operation. Must be Ready.`),
  badNextToken: () => invalidParameterValue('The NextToken is not valid.'),
  resourceNotFound: (arn: string) => new SimError('ResourceNotFoundException', `Resource not found for ARN '${arn}'.`),
}

/** MaxRecords where the API bounds it: AWS's validation message for an out-of-range value. */
export function checkMaxRecords(value: number | undefined, max: number): number | undefined {
  if (value !== undefined && (value < 1 || value > max)) {
    throw invalidParameterValue(`1 validation error detected: Value '${value}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and ${max}`)
  }

  return value
}

// ---- environments: lookup ---------------------------------------------------

/**
 * The live (not terminated) environment an Id or Name points to. EB resolves
 * the Id first; with neither it asks for one.
 */
export function findLiveEnvironment(
  state: EbState,
  input: {readonly EnvironmentId?: string; readonly EnvironmentName?: string},
  context: OperationContext,
): EbEnvironmentRecord {
  const live = state.environments.filter((env) => isLive(env, context.now))
  if (input.EnvironmentId !== undefined) {
    const env = live.find((candidate) => candidate.id === input.EnvironmentId)
    if (!env) throw errors.environmentNotFound('EnvironmentId', input.EnvironmentId)
    return env
  }

  if (input.EnvironmentName !== undefined) {
    const env = live.find((candidate) => candidate.name === input.EnvironmentName)
    if (!env) throw errors.environmentNotFound('EnvironmentName', input.EnvironmentName)
    return env
  }

  throw new SimError('MissingParameter', 'Either EnvironmentName or EnvironmentId must be specified.')
}

export function findApplication(state: EbState, name: string | undefined): EbApplicationRecord {
  const app = state.applications.find((candidate) => candidate.name === name)
  if (!app) throw errors.applicationNotFound(name ?? '')
  return app
}

// ---- option settings --------------------------------------------------------

function optionKey(option: OptionSpecification): string {
  return `${option.Namespace ?? ''}\u0000${option.OptionName ?? ''}\u0000${option.ResourceName ?? ''}`
}

/** The value of one option among settings (no resource name), or undefined. */
export function optionValue(settings: readonly ConfigurationOptionSetting[], namespace: string, optionName: string): string | undefined {
  return settings.find((setting) => setting.Namespace === namespace && setting.OptionName === optionName && setting.ResourceName === undefined)?.Value
}

/** A comma-separated option as a list, blanks dropped. */
export function optionList(settings: readonly ConfigurationOptionSetting[], namespace: string, optionName: string): string[] {
  return (optionValue(settings, namespace, optionName) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** Rejects what EB rejects for any setting: a namespace EB does not have, or an option name it does not know there. */
export function checkOptionSpecs(options: readonly OptionSpecification[]): void {
  for (const option of options) {
    const namespace = option.Namespace ?? ''
    const name = option.OptionName ?? ''
    if (!isEbOption(namespace, name)) {
      throw configurationError(`Invalid option specification (Namespace: '${namespace}', OptionName: '${name}'): Unknown configuration setting.`)
    }
  }
}

/** The settings after an update: given options replace those with the same namespace, name and resource; removed ones go. */
export function mergeOptions(
  current: readonly ConfigurationOptionSetting[],
  added: readonly ConfigurationOptionSetting[],
  removed: readonly OptionSpecification[],
): ConfigurationOptionSetting[] {
  const merged = new Map(current.map((setting) => [optionKey(setting), setting]))
  for (const option of removed) merged.delete(optionKey(option))
  for (const setting of added) merged.set(optionKey(setting), copyOption(setting))
  return [...merged.values()]
}

/** A plain copy (the SDK's objects may carry more than the four fields). */
export function copyOption(setting: ConfigurationOptionSetting): ConfigurationOptionSetting {
  const copy: ConfigurationOptionSetting = {Namespace: setting.Namespace, OptionName: setting.OptionName, Value: setting.Value ?? ''}
  if (setting.ResourceName !== undefined) copy.ResourceName = setting.ResourceName
  return copy
}

// ---- tags -------------------------------------------------------------------

/** Prefixes EB keeps for itself: `aws:` everywhere, `elasticbeanstalk:` for the tags EB puts on environments. */
const TAG_RULES: TagRules = {
  reserved: reservedPrefixes('aws:', 'elasticbeanstalk:'),
  badKey: (key) => invalidParameterValue(`Tag key must be between 1 and 128 characters: '${key}'.`),
  reservedKey: (key) => invalidParameterValue(`Tag key '${key}' is invalid: keys starting with 'aws:' or 'elasticbeanstalk:' are reserved.`),
  badValue: (key) => invalidParameterValue(`Tag value must be at most 256 characters for key '${key}'.`),
  tooMany: () => new SimError('TooManyTagsException', 'The number of tags exceeds the limit of 50.'),
}

export function checkTags(tags: readonly Tag[] | undefined): Tags {
  return checkTagRules(TAG_RULES, tags)
}

export function toTagList(tags: Tags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}

// ---- ARNs -------------------------------------------------------------------

export function arnPrefix(context: OperationContext): string {
  return `arn:aws:elasticbeanstalk:${context.region}:${context.account}`
}

export function applicationArn(name: string, context: OperationContext): string {
  return `${arnPrefix(context)}:application/${name}`
}

export function versionArn(version: EbVersionRecord, context: OperationContext): string {
  return `${arnPrefix(context)}:applicationversion/${version.application}/${version.label}`
}

export function environmentArn(env: EbEnvironmentRecord, context: OperationContext): string {
  return `${arnPrefix(context)}:environment/${env.application}/${env.name}`
}

/** The account's EB bucket, which CreateStorageLocation makes. */
export function storageBucket(context: OperationContext): string {
  return `elasticbeanstalk-${context.region}-${context.account}`
}

// ---- AWS-shaped random names ------------------------------------------------

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const DIGITS = '0123456789'

/**
 * Characters that look random but come from the state's id counter, so a
 * fresh state always yields the same names and no name repeats (at most 32).
 */
function randomChars(context: OperationContext, length: number, alphabet: string): string {
  const hex = context.nextId('x', 64).slice(2)
  let result = ''
  for (let index = 0; index < length; index += 1) {
    result += alphabet[Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16) % alphabet.length]
  }

  return result
}

export const randomName = {
  lower: (context: OperationContext, length: number) => randomChars(context, length, LOWER_ALNUM),
  upper: (context: OperationContext, length: number) => randomChars(context, length, UPPER_ALNUM),
  mixed: (context: OperationContext, length: number) => randomChars(context, length, MIXED_ALNUM),
  digits: (context: OperationContext, length: number) => randomChars(context, length, DIGITS),
}

/** A request id with a UUID's shape (version 4 layout). */
export function requestIdOf(context: OperationContext): string {
  const hex = context.nextId('x', 32).slice(2)
  const variant = '89ab'[Number.parseInt(hex[16], 16) % 4]
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
