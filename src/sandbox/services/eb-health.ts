import type {
  ConfigurationOptionSetting,
  ConfigurationSettingsDescription,
  DescribeConfigurationSettingsCommandInput,
  DescribeConfigurationSettingsCommandOutput,
  DescribeEnvironmentHealthCommandInput,
  DescribeEnvironmentHealthCommandOutput,
  DescribeEnvironmentResourcesCommandInput,
  DescribeEnvironmentResourcesCommandOutput,
  DescribeInstancesHealthCommandInput,
  DescribeInstancesHealthCommandOutput,
  EnvironmentHealth,
  EnvironmentHealthStatus,
  InstanceHealthSummary,
  SingleInstanceHealth,
} from '@aws-sdk/client-elastic-beanstalk'

import {DURATIONS} from '../durations'
import {SimError} from '../errors'
import {paginate} from '../paging'
import type {Handler, OperationContext, Result} from '../types'
import {ec2Slice, type InstanceRecord} from './ec2-model'
import {liveMembers} from './eb-fleet'
import {
  environmentStatus,
  errors,
  findApplication,
  findLiveEnvironment,
  mergeOptions,
  operationEnd,
  optionValue,
  type EbContext,
  type EbEnvironmentRecord,
} from './eb-model'
import {platformByArn, solutionStackName} from './eb-platforms'
import {batchOf, failureOf} from './eb-rolling'
import {templateSettings} from './eb-templates'

/*
 * Health is derived, never stored: from the environment's status and its
 * instances' EC2 state. An instance is Pending while EC2 has it pending, Ok
 * once running (a rolling batch's: Info "Performing application deployment."
 * until the batch is healthy, Severe in a failing batch), and Severe once its instance status check reports impaired
 * (the EC2 `impaired` fault) or, once running, while the environment's
 * application failed to deploy (`deploymentFailed`, the `health-red` fault),
 * or, for the one instance of the `instance-unhealthy` fault, while the load
 * balancer finds it OutOfService.
 * The environment is Pending (Grey) while launching, Info while updating,
 * then the worst of its instances.
 */

export interface InstanceHealthView {
  readonly instance: InstanceRecord
  readonly healthStatus: EnvironmentHealthStatus
  readonly causes: string[]
}

export interface HealthView {
  readonly color: EnvironmentHealth
  /** Enhanced health status; undefined once terminating. */
  readonly healthStatus: EnvironmentHealthStatus | undefined
  readonly causes: string[]
  readonly instances: InstanceHealthView[]
}

const COLORS: Readonly<Record<EnvironmentHealthStatus, EnvironmentHealth>> = {
  Ok: 'Green',
  Info: 'Green',
  Warning: 'Yellow',
  Degraded: 'Red',
  Severe: 'Red',
  Pending: 'Grey',
  NoData: 'Grey',
  Unknown: 'Grey',
  Suspended: 'Grey',
}

export function isEnhanced(env: EbEnvironmentRecord): boolean {
  return optionValue(env.optionSettings, 'aws:elasticbeanstalk:healthreporting:system', 'SystemType') === 'enhanced'
}

/** The causes EB gives for an application that failed to deploy (the `health-red` fault); sandbox wording after EB's. */
const FAILED_DEPLOYMENT_CAUSES: readonly string[] = [
  '100.0 % of the requests are failing with HTTP 5xx.',
  "Instance deployment failed. For details, see 'eb-engine.log'.",
]

/** What EB gives for an instance failing the load balancer's health checks (the `instance-unhealthy` fault); sandbox wording after EB's. */
const ELB_OUT_OF_SERVICE_CAUSES: readonly string[] = [
  'Instance ELB health state has been "OutOfService" for 5 minutes: Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
]

function instanceHealth(env: EbEnvironmentRecord, instance: InstanceRecord, now: number): InstanceHealthView {
  const running = instance.launchedAt + DURATIONS.instancePending
  if (now < running) return {instance, healthStatus: 'Pending', causes: ['Initialization in progress.']}
  if (instance.impaired && now >= running + DURATIONS.instanceStatusInitializing) {
    return {instance, healthStatus: 'Severe', causes: ['EC2 instance status checks failed (impaired).']}
  }

  // A rolling batch's instance deploys until its batch is healthy; a failing batch's goes Red.
  const batch = batchOf(env, instance.id)
  const failure = failureOf(env, instance.id)
  if (failure === 'instance') return {instance, healthStatus: 'Severe', causes: [...ELB_OUT_OF_SERVICE_CAUSES]}
  if (env.deploymentFailed === true || failure === 'deployment') return {instance, healthStatus: 'Severe', causes: [...FAILED_DEPLOYMENT_CAUSES]}
  if (batch?.healthyAt !== undefined && now < batch.healthyAt) return {instance, healthStatus: 'Info', causes: ['Performing application deployment.']}
  return {instance, healthStatus: 'Ok', causes: []}
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/**
 * The worst of the instances: all Severe is Severe, some Degraded, otherwise Ok
 * (Pending ones included). A failed deployment fails every running instance.
 */
function aggregate(instances: readonly InstanceHealthView[], failed: boolean): {healthStatus: EnvironmentHealthStatus; causes: string[]} {
  if (instances.length === 0) return {healthStatus: 'NoData', causes: ['None of the instances are sending data.']}
  const severe = instances.filter((view) => view.healthStatus === 'Severe').length
  if (severe === 0) return {healthStatus: 'Ok', causes: []}
  const healthStatus = severe === instances.length ? 'Severe' : 'Degraded'
  if (failed) return {healthStatus, causes: [...FAILED_DEPLOYMENT_CAUSES]}
  const outOfService = instances.filter((view) => view.causes[0] === ELB_OUT_OF_SERVICE_CAUSES[0]).length
  if (outOfService > 0) return {healthStatus, causes: [`ELB health is failing or not available for ${outOfService} out of ${plural(instances.length, 'instance')}.`]}
  return {healthStatus, causes: [`Impaired instance status checks on ${severe} out of ${plural(instances.length, 'instance')}.`]}
}

export function healthOf(eb: EbContext, env: EbEnvironmentRecord, context: OperationContext): HealthView {
  const ec2 = ec2Slice(eb.region, context)
  const instances = liveMembers(env, ec2, context.now).map((instance) => instanceHealth(env, instance, context.now))
  const failed = env.deploymentFailed === true || instances.some((view) => failureOf(env, view.instance.id) === 'deployment')
  const status = environmentStatus(env, context.now)
  if (status === 'Terminating' || status === 'Terminated') return {color: 'Grey', healthStatus: undefined, causes: [], instances}
  if (status === 'Launching') return {color: 'Grey', healthStatus: 'Pending', causes: ['Initialization in progress.'], instances}
  const worst = aggregate(instances, failed)
  if (status === 'Updating' && worst.healthStatus === 'Ok') {
    const what = env.operation.kind === 'deploy' ? 'Application deployment' : 'Configuration update'
    return {color: 'Green', healthStatus: 'Info', causes: [`${what} is in progress on ${plural(instances.length, 'instance')}.`], instances}
  }

  return {color: COLORS[worst.healthStatus], healthStatus: worst.healthStatus, causes: worst.causes, instances}
}

// ---- DescribeEnvironmentHealth / DescribeInstancesHealth --------------------

function enhancedEnvironment(eb: EbContext, input: {EnvironmentId?: string; EnvironmentName?: string}, operation: string, context: OperationContext): EbEnvironmentRecord {
  const env = findLiveEnvironment(eb.state, input, context)
  // EB's answer for an environment with basic health reporting.
  if (!isEnhanced(env)) throw new SimError('InvalidRequestException', `${operation} is not supported.`)
  return env
}

function counts(instances: readonly InstanceHealthView[]): InstanceHealthSummary {
  const summary: Required<InstanceHealthSummary> = {NoData: 0, Unknown: 0, Pending: 0, Ok: 0, Info: 0, Warning: 0, Degraded: 0, Severe: 0}
  for (const view of instances) {
    const status = view.healthStatus as keyof InstanceHealthSummary
    if (status in summary) summary[status] += 1
  }

  return summary
}

/** Enhanced health refreshes every 10 seconds. */
function refreshedAt(now: number): Date {
  return new Date(now - (now % 10_000))
}

/** Only the attributes asked for: "If no attribute names are specified, returns the name of the environment." */
export const describeEnvironmentHealth: Handler<EbContext, DescribeEnvironmentHealthCommandInput, Result<DescribeEnvironmentHealthCommandOutput>> = (eb, input, context) => {
  const env = enhancedEnvironment(eb, input, 'DescribeEnvironmentHealth', context)
  const health = healthOf(eb, env, context)
  const wanted = new Set<string>(input.AttributeNames ?? [])
  const all = wanted.has('All')
  const want = (name: string) => all || wanted.has(name)
  const output: Result<DescribeEnvironmentHealthCommandOutput> = {EnvironmentName: env.name}
  // The SDK models Status with the colour enum; the API documents and returns the operational status (Ready, Updating, …).
  if (want('Status')) output.Status = environmentStatus(env, context.now) as EnvironmentHealth
  if (want('Color')) output.Color = health.color
  if (want('HealthStatus')) output.HealthStatus = health.healthStatus
  if (want('Causes')) output.Causes = health.causes
  if (want('ApplicationMetrics')) output.ApplicationMetrics = {Duration: 10, RequestCount: 0}
  if (want('InstancesHealth')) output.InstancesHealth = counts(health.instances)
  if (want('RefreshedAt')) output.RefreshedAt = refreshedAt(context.now)
  return output
}

function deploymentStatus(env: EbEnvironmentRecord, view: InstanceHealthView): string {
  if (view.healthStatus === 'Pending' || view.healthStatus === 'Info') return 'InProgress'
  // The `instance-unhealthy` instance deployed; only the load balancer's checks fail.
  return env.deploymentFailed === true || failureOf(env, view.instance.id) === 'deployment' ? 'Failed' : 'Deployed'
}

function toInstanceHealth(env: EbEnvironmentRecord, view: InstanceHealthView, want: (name: string) => boolean): SingleInstanceHealth {
  const {instance} = view
  const item: SingleInstanceHealth = {InstanceId: instance.id}
  if (want('HealthStatus')) item.HealthStatus = view.healthStatus
  if (want('Color')) item.Color = COLORS[view.healthStatus]
  if (want('Causes')) item.Causes = view.causes
  if (want('LaunchedAt')) item.LaunchedAt = new Date(instance.launchedAt)
  if (want('ApplicationMetrics')) item.ApplicationMetrics = {Duration: 10, RequestCount: 0}
  if (want('System')) item.System = {CPUUtilization: {User: 0.3, Nice: 0, System: 0.2, Idle: 99.4, IOWait: 0.1, IRQ: 0, SoftIRQ: 0}, LoadAverage: [0, 0.01, 0]}
  if (want('Deployment')) {
    item.Deployment = {
      VersionLabel: env.versionLabel ?? 'Sample Application',
      DeploymentId: env.deploymentId,
      Status: deploymentStatus(env, view),
      DeploymentTime: new Date(instance.launchedAt + DURATIONS.instancePending),
    }
  }

  if (want('AvailabilityZone')) item.AvailabilityZone = instance.az
  if (want('InstanceType')) item.InstanceType = instance.instanceType
  return item
}

/** Only the attributes asked for: without AttributeNames, instance ids alone. */
export const describeInstancesHealth: Handler<EbContext, DescribeInstancesHealthCommandInput, Result<DescribeInstancesHealthCommandOutput>> = (eb, input, context) => {
  const env = enhancedEnvironment(eb, input, 'DescribeInstancesHealth', context)
  const wanted = new Set<string>(input.AttributeNames ?? [])
  const want = (name: string) => wanted.has('All') || wanted.has(name)
  const page = paginate(healthOf(eb, env, context).instances, {maxResults: undefined, nextToken: input.NextToken, defaultSize: 100, badToken: errors.badNextToken})
  return {
    InstanceHealthList: page.items.map((view) => toInstanceHealth(env, view, want)),
    RefreshedAt: want('RefreshedAt') ? refreshedAt(context.now) : undefined,
    NextToken: page.nextToken,
  }
}

// ---- DescribeEnvironmentResources -------------------------------------------

export const describeEnvironmentResources: Handler<EbContext, DescribeEnvironmentResourcesCommandInput, Result<DescribeEnvironmentResourcesCommandOutput>> = (eb, input, context) => {
  const env = findLiveEnvironment(eb.state, input, context)
  const ec2 = ec2Slice(eb.region, context)
  const terminating = environmentStatus(env, context.now) === 'Terminating'
  const lb = env.stack.loadBalancer
  return {
    EnvironmentResources: {
      EnvironmentName: env.name,
      AutoScalingGroups: [{Name: env.stack.autoScalingGroup}],
      Instances: liveMembers(env, ec2, context.now).map((instance) => ({Id: instance.id})),
      LaunchConfigurations: [],
      LaunchTemplates: [{Id: env.stack.launchTemplateId}],
      // For ALB and NLB environments EB lists the load balancer by its ARN.
      LoadBalancers: lb === undefined || terminating ? [] : [{Name: lb.arn ?? lb.name}],
      Triggers: [],
      Queues: [],
    },
  }
}

// ---- DescribeConfigurationSettings ------------------------------------------

/** Defaults EB reports for options hactl reads back, under the settings given. */
function withDefaults(env: EbEnvironmentRecord, settings: readonly ConfigurationOptionSetting[]): ConfigurationOptionSetting[] {
  const option = (Namespace: string, OptionName: string, Value: string): ConfigurationOptionSetting => ({Namespace, OptionName, Value})
  const defaults = [
    option('aws:autoscaling:asg', 'MinSize', '1'),
    option('aws:autoscaling:asg', 'MaxSize', '4'),
    option('aws:autoscaling:launchconfiguration', 'DisableDefaultEC2SecurityGroup', 'false'),
    option('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'false'),
    // EB shows the platform's AMI when no custom image is set.
    option('aws:autoscaling:launchconfiguration', 'ImageId', env.launch.imageId),
    option('aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateEnabled', 'false'),
    option('aws:ec2:instances', 'InstanceTypes', 't3.micro, t3.small'),
    option('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'AllAtOnce'),
    option('aws:elasticbeanstalk:environment', 'EnvironmentType', 'LoadBalanced'),
    option('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'classic'),
    option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'basic'),
  ]
  return mergeOptions(defaults, settings, [])
}

export const describeConfigurationSettings: Handler<EbContext, DescribeConfigurationSettingsCommandInput, Result<DescribeConfigurationSettingsCommandOutput>> = (eb, input, context) => {
  if (input.TemplateName !== undefined) return {ConfigurationSettings: [templateSettings(eb, input.ApplicationName, input.TemplateName, context)]}
  const app = findApplication(eb.state, input.ApplicationName)
  if (input.EnvironmentName === undefined) throw new SimError('MissingParameter', 'Either TemplateName or EnvironmentName must be specified.')
  const env = findLiveEnvironment(eb.state, {EnvironmentName: input.EnvironmentName}, context)
  if (env.application !== app.name) throw errors.environmentNotFound('EnvironmentName', input.EnvironmentName)
  const platform = platformByArn(env.platformArn, context.region)
  const describe = (settings: readonly ConfigurationOptionSetting[], status: 'deployed' | 'failed' | 'pending', updated = env.operation.startedAt): ConfigurationSettingsDescription => ({
    SolutionStackName: platform === undefined ? undefined : solutionStackName(platform),
    PlatformArn: env.platformArn,
    ApplicationName: env.application,
    EnvironmentName: env.name,
    Description: env.description,
    DeploymentStatus: status,
    DateCreated: new Date(env.createdAt),
    DateUpdated: new Date(updated),
    OptionSettings: withDefaults(env, settings),
  })
  const previous = env.operation.previousOptionSettings
  // A rolling update that failed leaves its draft, `failed`, beside what runs.
  const failed = env.failedDraft === undefined ? [] : [describe(env.failedDraft.optionSettings, 'failed', env.failedDraft.at)]
  // While a configuration update runs, EB shows the deployed set and the pending draft.
  if (previous !== undefined && context.now < operationEnd(env)) {
    return {ConfigurationSettings: [describe(previous, 'deployed'), describe(env.optionSettings, 'pending'), ...failed]}
  }

  return {ConfigurationSettings: [describe(env.optionSettings, 'deployed'), ...failed]}
}
