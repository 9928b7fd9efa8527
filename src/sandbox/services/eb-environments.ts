import type {
  AbortEnvironmentUpdateCommandInput,
  AbortEnvironmentUpdateCommandOutput,
  CreateEnvironmentCommandInput,
  CreateEnvironmentCommandOutput,
  DescribeEnvironmentsCommandInput,
  DescribeEnvironmentsCommandOutput,
  EnvironmentDescription,
  TerminateEnvironmentCommandInput,
  TerminateEnvironmentCommandOutput,
  UpdateEnvironmentCommandInput,
  UpdateEnvironmentCommandOutput,
} from '@aws-sdk/client-elastic-beanstalk'

import {DURATIONS} from '../durations'
import {SandboxUnsupportedError} from '../errors'
import {paginate} from '../paging'
import type {Handler, OperationContext, Result} from '../types'
import {removeLaunchTemplate} from './ec2-launch-templates'
import {ec2Slice} from './ec2-model'
import {planEvents, type PlannedEvent} from './eb-events'
import {fleetSize, launchInstances, launchSpec, replaceFleet, resizeFleet, sameSpec, setLaunch, terminateMembers, type FleetChange} from './eb-fleet'
import {checkEnvironmentSettings} from './eb-checks'
import {abortable, abortRollingUpdate, operationFor, planRollingUpdate, rollingPolicy} from './eb-rolling'
import {healthOf, isEnhanced} from './eb-health'
import {
  checkMaxRecords,
  checkOptionSpecs,
  checkTags,
  configurationError,
  environmentArn,
  environmentStatus,
  errors,
  findApplication,
  findLiveEnvironment,
  invalidParameterCombination,
  invalidParameterValue,
  isLive,
  mergeOptions,
  operationEnd,
  optionValue,
  randomName,
  requestIdOf,
  storageBucket,
  type EbContext,
  type EbEnvironmentRecord,
  type EbLoadBalancerRecord,
  type EbOperationKind,
  type EbStackRecord,
} from './eb-model'
import {platformArn, platformByArn, platformByStack, requirePlatformArn, solutionStackName, type PlatformEntry} from './eb-platforms'
import {ensureInstanceGroup, GROUP_DELETED_AT} from './eb-security-group'

const SPEC_FILE = 'src/sandbox/services/eb.md'

/** 4–40 letters, digits and hyphens, not starting or ending with a hyphen. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$/
const CNAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/

// ---- output -----------------------------------------------------------------

export function toEnvironmentDescription(eb: EbContext, env: EbEnvironmentRecord, context: OperationContext): EnvironmentDescription {
  const status = environmentStatus(env, context.now) ?? 'Terminated'
  const health = healthOf(eb, env, context)
  const platform = platformByArn(env.platformArn, context.region)
  const lb = env.stack.loadBalancer
  return {
    EnvironmentName: env.name,
    EnvironmentId: env.id,
    ApplicationName: env.application,
    VersionLabel: env.versionLabel,
    SolutionStackName: platform === undefined ? undefined : solutionStackName(platform),
    PlatformArn: env.platformArn,
    Description: env.description,
    EndpointURL: env.endpointUrl,
    CNAME: env.cname,
    DateCreated: new Date(env.createdAt),
    DateUpdated: new Date(context.now >= operationEnd(env) ? operationEnd(env) : env.operation.startedAt),
    Status: status,
    // EB's own rollback and an update's final phase cannot be aborted.
    AbortableOperationInProgress: status === 'Updating' && (env.operation.rolling === undefined || abortable(env, context.now)),
    Health: health.color,
    HealthStatus: isEnhanced(env) ? health.healthStatus : undefined,
    Resources: lb === undefined ? {} : {LoadBalancer: {LoadBalancerName: lb.name, Domain: lb.dnsName, Listeners: [{Protocol: 'http', Port: 80}]}},
    Tier: {Name: 'WebServer', Type: 'Standard', Version: '1.0'},
    EnvironmentLinks: [],
    EnvironmentArn: environmentArn(env, context),
  }
}

// ---- the stack's resource names ---------------------------------------------

function hex(context: OperationContext, digits: number): string {
  return context.nextId('x', digits).slice(2)
}

function loadBalancerOf(type: string, envId: string, context: OperationContext): EbLoadBalancerRecord {
  const elb = `arn:aws:elasticloadbalancing:${context.region}:${context.account}`
  const securityGroupId = context.nextId('sg')
  if (type === 'classic') {
    const name = `awseb-${envId}-AWSEBLoa-${randomName.upper(context, 12)}`
    return {type, name, arn: undefined, dnsName: `${name}-${randomName.digits(context, 9)}.${context.region}.elb.amazonaws.com`, securityGroupId, targetGroupArn: undefined, listenerArn: undefined}
  }

  if (type !== 'application' && type !== 'network') {
    throw configurationError(`Invalid option value: '${type}' (Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'LoadBalancerType'): Value is not one of [classic, application, network].`)
  }

  const kind = type === 'application' ? 'app' : 'net'
  const name = type === 'application' ? `awseb--AWSEB-${randomName.mixed(context, 12)}` : `awseb-AWSEB-${randomName.mixed(context, 12)}`
  const arn = `${elb}:loadbalancer/${kind}/${name}/${hex(context, 16)}`
  const dnsName = type === 'application' ? `${name}-${randomName.digits(context, 10)}.${context.region}.elb.amazonaws.com` : `${name}-${hex(context, 16)}.elb.${context.region}.amazonaws.com`
  return {
    type,
    name,
    arn,
    dnsName,
    securityGroupId,
    targetGroupArn: `${elb}:targetgroup/awseb-AWSEB-${randomName.upper(context, 12)}/${hex(context, 16)}`,
    listenerArn: `${elb}:listener/${kind}/${name}/${arn.split('/').at(-1)}/${hex(context, 16)}`,
  }
}

function stackOf(envId: string, settings: CreateEnvironmentCommandInput['OptionSettings'], context: OperationContext): EbStackRecord {
  const name = `awseb-${envId}-stack`
  const single = optionValue(settings ?? [], 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance'
  const lbType = optionValue(settings ?? [], 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic'
  return {
    name,
    autoScalingGroup: `${name}-AWSEBAutoScalingGroup-${randomName.upper(context, 12)}`,
    launchTemplateId: context.nextId('lt'),
    launchTemplateName: `${name}-AWSEBEC2LaunchTemplate-${randomName.upper(context, 12)}`,
    securityGroup: `${name}-AWSEBSecurityGroup-${randomName.upper(context, 12)}`,
    alarmHigh: `${name}-AWSEBCloudwatchAlarmHigh-${randomName.upper(context, 12)}`,
    alarmLow: `${name}-AWSEBCloudwatchAlarmLow-${randomName.upper(context, 12)}`,
    loadBalancer: single ? undefined : loadBalancerOf(lbType, envId, context),
  }
}

/** A single-instance environment's endpoint is its Elastic IP. */
function elasticIp(context: OperationContext): string {
  const bytes = hex(context, 6).match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? [0, 0, 0]
  return `54.${bytes[0]}.${bytes[1]}.${Math.max(1, bytes[2])}`
}

// ---- CreateEnvironment ------------------------------------------------------

function checkName(eb: EbContext, name: string | undefined, context: OperationContext): string {
  if (name === undefined || !ENVIRONMENT_NAME.test(name)) {
    throw invalidParameterValue('Environment name must be 4 to 40 characters in length. It can contain only letters, numbers, and hyphens. It can\'t start or end with a hyphen.')
  }

  if (eb.state.environments.some((env) => env.name === name && isLive(env, context.now))) throw invalidParameterValue(`Environment ${name} already exists.`)
  return name
}

function resolvePlatform(input: {readonly PlatformArn?: string; readonly SolutionStackName?: string; readonly TemplateName?: string}, context: OperationContext): PlatformEntry {
  if (input.TemplateName !== undefined) throw new SandboxUnsupportedError('elasticbeanstalk', 'CreateEnvironment from a TemplateName', SPEC_FILE)
  if (input.PlatformArn !== undefined && input.SolutionStackName !== undefined) {
    throw invalidParameterCombination('You cannot specify both SolutionStackName and PlatformArn.')
  }

  if (input.PlatformArn !== undefined) return requirePlatformArn(input.PlatformArn, context.region)
  if (input.SolutionStackName !== undefined) {
    const platform = platformByStack(input.SolutionStackName)
    if (!platform) throw invalidParameterValue(`No Solution Stack named '${input.SolutionStackName}' found.`)
    return platform
  }

  throw invalidParameterValue('No platform specified: give a SolutionStackName, a PlatformArn or a TemplateName.')
}

function cnameOf(eb: EbContext, input: CreateEnvironmentCommandInput, name: string, context: OperationContext): string {
  const suffix = `${context.region}.elasticbeanstalk.com`
  if (input.CNAMEPrefix === undefined) return `${name.toLowerCase()}.eba-${randomName.lower(context, 8)}.${suffix}`
  if (!CNAME_PREFIX.test(input.CNAMEPrefix)) throw invalidParameterValue(`The CNAME prefix '${input.CNAMEPrefix}' is not valid: 4 to 63 letters, numbers and hyphens.`)
  const cname = `${input.CNAMEPrefix.toLowerCase()}.${suffix}`
  if (eb.state.environments.some((env) => env.cname === cname && isLive(env, context.now))) throw invalidParameterValue(`DNS name (${cname}) is not available.`)
  return cname
}

/** What EB reports when the application fails to deploy on the new instances (the `health-red` fault). */
function failedDeploymentEvents(env: EbEnvironmentRecord): PlannedEvent[] {
  return [
    ...env.instanceIds.map((id): PlannedEvent => [0.9, `[Instance: ${id}] Command failed on instance. Return code: 1 Output: Engine execution has encountered an error..`, 'ERROR']),
    [0.9, "Instance deployment failed. For details, see 'eb-engine.log'.", 'ERROR'],
    [0.91, `Command execution completed on all instances. Summary: [Successful: 0, Failed: ${env.instanceIds.length}].`],
  ]
}

function launchEvents(env: EbEnvironmentRecord, groupCreated: boolean, context: OperationContext): PlannedEvent[] {
  const {stack} = env
  const lb = stack.loadBalancer
  const failed = env.deploymentFailed === true
  const lbEvents: PlannedEvent[] =
    lb === undefined
      ? []
      : [
          ...(lb.targetGroupArn === undefined ? [] : [[0.08, `Created target group named: ${lb.targetGroupArn}`] as const]),
          [0.1, `Created security group named: ${lb.securityGroupId}`],
          [0.6, `Created load balancer named: ${lb.arn ?? lb.name}`],
          ...(lb.listenerArn === undefined ? [] : [[0.62, `Created Load Balancer listener named: ${lb.listenerArn}`] as const]),
        ]
  const steps: PlannedEvent[] = [
    [0, 'createEnvironment is starting.'],
    [0.01, `Using ${storageBucket(context)} as Amazon S3 storage bucket for environment data.`],
    ...(groupCreated ? [[0.05, `Created security group named: ${stack.securityGroup}`] as const] : []),
    ...lbEvents,
    [0.15, `Created Auto Scaling launch template named: ${stack.launchTemplateName}`],
    [0.3, `Created Auto Scaling group named: ${stack.autoScalingGroup}`],
    [0.31, 'Waiting for EC2 instances to launch. This may take a few minutes.'],
    [0.5, `Created CloudWatch alarm named: ${stack.alarmHigh}`],
    [0.51, `Created CloudWatch alarm named: ${stack.alarmLow}`],
    ...env.instanceIds.map((id): PlannedEvent => [0.85, `Added instance [${id}] to your environment.`]),
    ...(failed ? failedDeploymentEvents(env) : [[0.9, 'Instance deployment completed successfully.'] as const]),
    [0.97, `Application available at ${env.cname}.`],
    failed
      ? [1, 'Create environment operation is complete, but with errors. For more information, see troubleshooting documentation.', 'ERROR']
      : [1, `Successfully launched environment: ${env.name}`],
  ]
  return steps.sort((a, b) => a[0] - b[0])
}

export const createEnvironment: Handler<EbContext, CreateEnvironmentCommandInput, Result<CreateEnvironmentCommandOutput>> = (eb, input, context) => {
  const name = checkName(eb, input.EnvironmentName, context)
  const app = findApplication(eb.state, input.ApplicationName)
  if (input.Tier !== undefined && (input.Tier.Name ?? 'WebServer') !== 'WebServer') {
    throw new SandboxUnsupportedError('elasticbeanstalk', 'CreateEnvironment with a Worker tier', SPEC_FILE)
  }

  const platform = resolvePlatform(input, context)
  if (input.VersionLabel !== undefined && !eb.state.versions.some((v) => v.application === app.name && v.label === input.VersionLabel)) {
    throw errors.versionNotFound(input.VersionLabel)
  }

  checkOptionSpecs([...(input.OptionSettings ?? []), ...(input.OptionsToRemove ?? [])])
  // A later setting of the same option replaces an earlier one.
  const settings = mergeOptions([], input.OptionSettings ?? [], [])
  const size = fleetSize(settings)
  const spec = launchSpec(settings, platform, ec2Slice(eb.region, context), context)
  checkEnvironmentSettings(settings, eb.region, context)
  const userTags = checkTags(input.Tags)
  const cname = cnameOf(eb, input, name, context)
  const id = `e-${randomName.lower(context, 10)}`
  const stack = stackOf(id, settings, context)
  const env: EbEnvironmentRecord = {
    id,
    name,
    application: app.name,
    versionLabel: input.VersionLabel,
    platformArn: platformArn(platform, context.region),
    description: input.Description,
    cname,
    endpointUrl: stack.loadBalancer?.dnsName ?? elasticIp(context),
    createdAt: context.now,
    optionSettings: settings,
    tags: {...userTags, 'elasticbeanstalk:environment-name': name, 'elasticbeanstalk:environment-id': id},
    instanceIds: [],
    launch: spec,
    deploymentId: 1,
    stack,
    operation: {kind: 'launch', startedAt: context.now, duration: DURATIONS.ebEnvironmentLaunching, requestId: requestIdOf(context)},
  }
  const groupCreated = ensureInstanceGroup(eb, env, spec, context)
  launchInstances(eb, env, spec, size.min, context)
  // The launch still ends Ready on schedule, as EB's does when the application fails to deploy.
  if (context.takeFault('health-red')) env.deploymentFailed = true
  eb.state.environments.push(env)
  setLaunch(eb, env, spec, context)
  planEvents(eb.state, env, launchEvents(env, groupCreated, context))
  return toEnvironmentDescription(eb, env, context)
}

// ---- DescribeEnvironments ---------------------------------------------------

export const describeEnvironments: Handler<EbContext, DescribeEnvironmentsCommandInput, Result<DescribeEnvironmentsCommandOutput>> = (eb, input, context) => {
  const ids = input.EnvironmentIds ?? []
  const names = input.EnvironmentNames ?? []
  // Terminated environments are listed for about an hour unless IncludeDeleted is false.
  const includeDeleted = input.IncludeDeleted ?? true
  const deletedSince = input.IncludedDeletedBackTo?.getTime() ?? 0
  const matching = eb.state.environments.filter((env) => {
    if (environmentStatus(env, context.now) === 'Terminated' && (!includeDeleted || operationEnd(env) < deletedSince)) return false
    if (ids.length > 0 && !ids.includes(env.id)) return false
    if (names.length > 0 && !names.includes(env.name)) return false
    if (input.ApplicationName !== undefined && env.application !== input.ApplicationName) return false
    return input.VersionLabel === undefined || env.versionLabel === input.VersionLabel
  })
  const page = paginate(matching, {
    maxResults: checkMaxRecords(input.MaxRecords, 1000),
    nextToken: input.NextToken,
    defaultSize: matching.length || 1,
    badToken: errors.badNextToken,
  })
  return {Environments: page.items.map((env) => toEnvironmentDescription(eb, env, context)), NextToken: page.nextToken}
}

// ---- UpdateEnvironment ------------------------------------------------------

/** What happened to EB's instance security group in an update (eb-security-group.ts). */
type GroupChange = 'created' | 'deleted' | undefined

function updateEvents(env: EbEnvironmentRecord, change: FleetChange, group: GroupChange): PlannedEvent[] {
  const fleet: PlannedEvent[] = [
    ...(group === 'created' ? [[0.1, `Created security group named: ${env.stack.securityGroup}`] as const] : []),
    ...change.removed.map((id): PlannedEvent => [0.2, `Removed instance [${id}] from your environment.`]),
    ...(change.added.length > 0 ? [[0.25, 'Waiting for EC2 instances to launch. This may take a few minutes.'] as const] : []),
    ...change.added.map((id): PlannedEvent => [0.6, `Added instance [${id}] to your environment.`]),
  ]
  if (env.operation.kind === 'deploy') {
    return [
      [0, 'Environment update is starting.'],
      [0.05, 'Deploying new version to instance(s).'],
      ...fleet,
      [0.85, 'Instance deployment completed successfully.'],
      [0.9, 'New application version was deployed to running EC2 instances.'],
      [1, 'Environment update completed successfully.'],
    ]
  }

  return [
    [0, 'Environment update is starting.'],
    [0.05, `Updating environment ${env.name}'s configuration settings.`],
    ...fleet,
    ...(change.added.length > 0 ? [[0.85, 'Instance deployment completed successfully.'] as const] : []),
    [0.9, 'Successfully deployed new configuration to environment.'],
    ...(group === 'deleted' ? [[1, `Deleted security group named: ${env.stack.securityGroup}`] as const] : []),
    [1, 'Environment update completed successfully.'],
  ]
}

function updatePlatform(env: EbEnvironmentRecord, input: UpdateEnvironmentCommandInput, context: OperationContext): PlatformEntry {
  if (input.TemplateName !== undefined) throw new SandboxUnsupportedError('elasticbeanstalk', 'UpdateEnvironment with a TemplateName', SPEC_FILE)
  if (input.PlatformArn === undefined && input.SolutionStackName === undefined) return requirePlatformArn(env.platformArn, context.region)
  return resolvePlatform(input, context)
}

export const updateEnvironment: Handler<EbContext, UpdateEnvironmentCommandInput, Result<UpdateEnvironmentCommandOutput>> = (eb, input, context) => {
  const env = findLiveEnvironment(eb.state, input, context)
  if (input.Tier !== undefined) throw new SandboxUnsupportedError('elasticbeanstalk', 'UpdateEnvironment with a Tier', SPEC_FILE)
  const added = input.OptionSettings ?? []
  const removed = input.OptionsToRemove ?? []
  const configures = added.length > 0 || removed.length > 0
  if (input.VersionLabel !== undefined && configures) {
    throw invalidParameterCombination('Attempting to update both the release and configuration is not allowed.')
  }

  if (environmentStatus(env, context.now) !== 'Ready') throw errors.notReady(env.name)
  const platform = updatePlatform(env, input, context)
  const newPlatformArn = platformArn(platform, context.region)
  if (input.VersionLabel !== undefined && !eb.state.versions.some((v) => v.application === env.application && v.label === input.VersionLabel)) {
    throw errors.versionNotFound(input.VersionLabel)
  }

  checkOptionSpecs([...added, ...removed])
  if (input.Description !== undefined) env.description = input.Description
  if (!configures && input.VersionLabel === undefined && newPlatformArn === env.platformArn) return toEnvironmentDescription(eb, env, context)

  const settings = mergeOptions(env.optionSettings, added, removed)
  fleetSize(settings)
  const spec = launchSpec(settings, platform, ec2Slice(eb.region, context), context)
  checkEnvironmentSettings(settings, eb.region, context)
  const kind: EbOperationKind = input.VersionLabel === undefined ? 'configure' : 'deploy'
  env.operation = {
    kind,
    startedAt: context.now,
    duration: DURATIONS.ebEnvironmentUpdating,
    requestId: requestIdOf(context),
    ...(kind === 'configure' ? {previousOptionSettings: env.optionSettings} : {}),
  }
  env.optionSettings = settings
  env.platformArn = newPlatformArn
  // A new configuration replaces an earlier update's failed draft.
  if (kind === 'configure') delete env.failedDraft
  if (input.VersionLabel !== undefined) {
    env.versionLabel = input.VersionLabel
    env.deploymentId += 1
    // A new version deploys cleanly: it ends a failed deployment's Red health.
    delete env.deploymentFailed
  }

  const created = ensureInstanceGroup(eb, env, spec, context)
  // Opting out: the group goes when the update ends (retireInstanceGroups), after its instances.
  const group: GroupChange = created ? 'created' : !spec.defaultSecurityGroup && env.instanceSecurityGroupId !== undefined ? 'deleted' : undefined
  const policy = sameSpec(spec, env.launch) ? undefined : rollingPolicy(settings)
  if (policy?.type === 'Immutable' && !isEnhanced({...env, optionSettings: settings})) {
    throw configurationError("Invalid option value: 'Immutable' (Namespace: 'aws:autoscaling:updatepolicy:rollingupdate', OptionName: 'RollingUpdateType'): Immutable updates require enhanced health reporting.")
  }

  if (policy !== undefined) {
    // Batch by batch: the advance phase launches and retires instances as the plan's times come.
    const failFirst = context.takeFault('health-red') ? 'deployment' : context.takeFault('instance-unhealthy') ? 'instance' : undefined
    const rolling = planRollingUpdate(eb, env, {spec, policy, failFirst, scaleOut: context.takeFault('scale-out')}, context)
    env.operation = operationFor(env.operation, rolling)
    setLaunch(eb, env, spec, context)
    planEvents(eb.state, env, rollingStartEvents(env, group))
    return toEnvironmentDescription(eb, env, context)
  }

  const change = sameSpec(spec, env.launch) ? resizeFleet(eb, env, spec, context) : replaceFleet(eb, env, spec, context)
  setLaunch(eb, env, spec, context)
  planEvents(eb.state, env, updateEvents(env, change, group))
  return toEnvironmentDescription(eb, env, context)
}

/** A rolling update's first events; the rest are appended as its batches materialise (eb-rolling.ts). */
function rollingStartEvents(env: EbEnvironmentRecord, group: GroupChange): PlannedEvent[] {
  return [
    [0, 'Environment update is starting.'],
    [0, `Updating environment ${env.name}'s configuration settings.`],
    ...(group === 'created' ? [[0, `Created security group named: ${env.stack.securityGroup}`] as const] : []),
  ]
}

// ---- AbortEnvironmentUpdate -------------------------------------------------

/**
 * Cancels a rolling or immutable configuration update while it can be
 * cancelled (AbortableOperationInProgress); EB then rolls back. Anything else
 * in progress (an all-at-once update, a version deployment) is not simulated.
 */
export const abortEnvironmentUpdate: Handler<EbContext, AbortEnvironmentUpdateCommandInput, Result<AbortEnvironmentUpdateCommandOutput>> = (eb, input, context) => {
  const env = findLiveEnvironment(eb.state, input, context)
  const updating = environmentStatus(env, context.now) === 'Updating'
  if (updating && env.operation.rolling === undefined) {
    throw new SandboxUnsupportedError('elasticbeanstalk', 'AbortEnvironmentUpdate of an update that is not rolling by health or immutable', SPEC_FILE)
  }

  if (!updating || !abortable(env, context.now)) {
    throw invalidParameterValue(`Environment named ${env.name} has no abortable operation in progress.`)
  }

  abortRollingUpdate(eb, env, context)
  return {}
}

// ---- TerminateEnvironment ---------------------------------------------------

/** Starts terminating: the instances go at once, the environment is Terminating for its duration. */
export function startTermination(eb: EbContext, env: EbEnvironmentRecord, context: OperationContext): void {
  env.operation = {kind: 'terminate', startedAt: context.now, duration: DURATIONS.ebEnvironmentTerminating, requestId: requestIdOf(context)}
  const instances = [...env.instanceIds]
  terminateMembers(eb, env, instances, context)
  removeLaunchTemplate(ec2Slice(eb.region, context), env.stack.launchTemplateId)
  const {stack} = env
  const lb = stack.loadBalancer
  planEvents(eb.state, env, [
    [0, 'terminateEnvironment is starting.'],
    [0.1, `Deleted CloudWatch alarm named: ${stack.alarmHigh}`],
    [0.11, `Deleted CloudWatch alarm named: ${stack.alarmLow}`],
    [0.4, 'Waiting for EC2 instances to terminate. This may take a few minutes.'],
    ...instances.map((id): PlannedEvent => [0.6, `Removed instance [${id}] from your environment.`]),
    [0.7, `Deleted Auto Scaling group named: ${stack.autoScalingGroup}`],
    ...(lb === undefined ? [] : [[0.75, `Deleted load balancer named: ${lb.arn ?? lb.name}`] as const]),
    ...(env.instanceSecurityGroupId === undefined ? [] : [[GROUP_DELETED_AT, `Deleted security group named: ${stack.securityGroup}`] as const]),
    [1, 'terminateEnvironment completed successfully.'],
  ])
}

export const terminateEnvironment: Handler<EbContext, TerminateEnvironmentCommandInput, Result<TerminateEnvironmentCommandOutput>> = (eb, input, context) => {
  const env = findLiveEnvironment(eb.state, input, context)
  if (input.TerminateResources === false) throw new SandboxUnsupportedError('elasticbeanstalk', 'TerminateEnvironment with TerminateResources false', SPEC_FILE)
  const status = environmentStatus(env, context.now)
  if (status === 'Updating') throw invalidParameterValue(`Cannot terminate environment named ${env.name}. It is currently pending deployment.`)
  if (status !== 'Ready') throw errors.notReady(env.name)
  startTermination(eb, env, context)
  return toEnvironmentDescription(eb, env, context)
}
