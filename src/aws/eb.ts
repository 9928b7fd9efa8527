/**
 * The Elastic Beanstalk calls hactl makes: the storage bucket, the
 * application and its versions, the platform, the environment, its events,
 * health and resources. Paging and waiting are hidden in here.
 */
import {
  AbortEnvironmentUpdateCommand,
  type ApplicationDescription,
  type ApplicationVersionDescription,
  type ConfigurationOptionSetting,
  type ConfigurationSettingsDescription,
  CreateApplicationCommand,
  CreateApplicationVersionCommand,
  CreateEnvironmentCommand,
  type CreateEnvironmentCommandInput,
  CreateStorageLocationCommand,
  DeleteApplicationCommand,
  DescribeApplicationVersionsCommand,
  DescribeApplicationsCommand,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentResourcesCommand,
  DescribeEnvironmentsCommand,
  type DescribeEnvironmentsCommandOutput,
  DescribeInstancesHealthCommand,
  DescribePlatformVersionCommand,
  type ElasticBeanstalkClient,
  type EnvironmentDescription,
  type EventDescription,
  type InstanceHealthSummary,
  type OptionSpecification,
  type PlatformDescription,
  type PlatformSummary,
  type SingleInstanceHealth,
  TerminateEnvironmentCommand,
  UpdateEnvironmentCommand,
  paginateDescribeEvents,
  paginateListPlatformVersions,
  waitUntilEnvironmentTerminated,
  waitUntilEnvironmentUpdated,
} from '@aws-sdk/client-elastic-beanstalk'

import {UserError} from '../core/errors'
import type {ApiContext, Tags, WaitControl} from './types'
import {awsCall, hasAwsCode, translateAwsError} from './errors'
import {runSdkWaiter} from './wait'
import {tagList} from './resource-calls'

export interface PlatformVersion {
  readonly arn: string
  /** e.g. "PHP 8.3 running on 64bit Amazon Linux 2023" */
  readonly branch: string
  /** e.g. "4.3.2" */
  readonly version: string
}

export interface EnvironmentHealth {
  /** Status as in DescribeEnvironmentHealth (Ready, Launching …). */
  readonly status?: string
  /** Green, Yellow, Red, Grey. */
  readonly color?: string
  /** Enhanced health status: Ok, Warning, Degraded, Severe, Pending, NoData … */
  readonly healthStatus?: string
  readonly causes: readonly string[]
  /** Instance counts by enhanced health status (Ok: 2, Pending: 1 …), zero counts left out. */
  readonly instances: Readonly<Record<string, number>>
}

/** One instance as enhanced health sees it. */
export interface InstanceHealth {
  readonly instanceId: string
  /** Ok, Warning, Degraded, Severe, Pending, NoData … */
  readonly healthStatus?: string
  readonly color?: string
  readonly causes: readonly string[]
  readonly launchedAt?: Date
  readonly availabilityZone?: string
  readonly instanceType?: string
  /** The application version deployed on it, when EB says. */
  readonly versionLabel?: string
}

export interface EnvironmentResources {
  readonly instanceIds: readonly string[]
  readonly autoScalingGroups: readonly string[]
  readonly loadBalancers: readonly string[]
  readonly launchTemplates: readonly string[]
}

export interface EbApi {
  /** The account's EB storage bucket (elasticbeanstalk-<region>-<account>), created if missing. */
  createStorageLocation(): Promise<string>
  /** The application, or undefined. */
  describeApplication(name: string): Promise<ApplicationDescription | undefined>
  /** Creates the application; a re-run that finds it already there returns false instead of failing. */
  createApplication(input: {name: string; description?: string; tags: Tags}): Promise<boolean>
  /** The version, or undefined. */
  describeApplicationVersion(application: string, label: string): Promise<ApplicationVersionDescription | undefined>
  /** Creates a version from a bundle already in S3; a re-run that finds the label there returns false. */
  createApplicationVersion(input: {application: string; label: string; bucket: string; key: string; description?: string; tags: Tags}): Promise<boolean>
  /** The newest Ready platform version on a branch (ListPlatformVersions, all pages). Throws a UserError when the branch has none. */
  latestPlatform(branch: string): Promise<PlatformVersion>
  /** One platform version by ARN (its CustomAmiList names the base AMI per Region and virtualization type). */
  describePlatformVersion(platformArn: string): Promise<PlatformDescription | undefined>
  /** The live (not Terminated) environment of that name, or undefined. */
  describeEnvironment(name: string): Promise<EnvironmentDescription | undefined>
  createEnvironment(input: CreateEnvironmentCommandInput): Promise<EnvironmentDescription>
  updateEnvironment(input: {name: string; optionSettings?: readonly ConfigurationOptionSetting[]; optionsToRemove?: readonly OptionSpecification[]; versionLabel?: string}): Promise<EnvironmentDescription>
  terminateEnvironment(name: string): Promise<void>
  /** Deletes the application, its versions and (with force) its environments. */
  deleteApplication(name: string): Promise<void>
  /**
   * Events of the environment at or after `since`, oldest first, all pages.
   * A watch keeps `since` at the last event it saw (EnvironmentEventPoller),
   * so each call pages only through what is new.
   */
  describeEvents(input: {environmentName: string; since: Date}): Promise<EventDescription[]>
  /** Enhanced health of each instance (all pages); undefined when the environment has none. */
  describeInstancesHealth(name: string): Promise<InstanceHealth[] | undefined>
  /** Cancels an in-progress update or deployment; EB rolls the instances back to the previous version. */
  abortEnvironmentUpdate(name: string): Promise<void>
  /** Enhanced health; undefined when the environment has none (basic health or not found). */
  environmentHealth(name: string): Promise<EnvironmentHealth | undefined>
  environmentResources(name: string): Promise<EnvironmentResources>
  /** The deployed option settings of the environment. */
  configurationSettings(application: string, environment: string): Promise<ConfigurationOptionSetting[]>
  /**
   * Every configuration set DescribeConfigurationSettings returns for an
   * environment (the deployed one and a `pending` or `failed` draft) or for a
   * saved configuration (a template: DeploymentStatus null).
   */
  configurationSets(application: string, of: {readonly environment: string} | {readonly template: string}): Promise<ConfigurationSettingsDescription[]>
  /** Waits until the environment is Ready (waitUntilEnvironmentExists / Updated). */
  waitForEnvironmentReady(name: string, wait: WaitControl): Promise<void>
  waitForEnvironmentTerminated(name: string, wait: WaitControl): Promise<void>
}


/** EB's waiter model polls every 20 s. */
const EB_WAITER_DELAY_SECONDS = 20


/** EB answers a create of something that exists with InvalidParameterValue "… already exists.". */
function isAlreadyExists(error: unknown): boolean {
  return hasAwsCode(error, 'InvalidParameterValue') && error instanceof Error && /already exists/i.test(error.message)
}

/** "No Environment found for EnvironmentName = '…'." is an InvalidParameterValue too. */
function isEnvironmentNotFound(error: unknown): boolean {
  return hasAwsCode(error, 'InvalidParameterValue') && error instanceof Error && /No Environment found/i.test(error.message)
}

/** Numeric, part by part: 4.10.0 is newer than 4.9.3. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const diff = (left[index] || 0) - (right[index] || 0)
    if (diff !== 0) return diff
  }

  return 0
}

function newestPlatform(summaries: readonly PlatformSummary[]): PlatformSummary | undefined {
  return summaries
    .filter((summary) => summary.PlatformArn !== undefined && summary.PlatformVersion !== undefined)
    .reduce<PlatformSummary | undefined>(
      (best, summary) => (best === undefined || compareVersions(summary.PlatformVersion ?? '', best.PlatformVersion ?? '') > 0 ? summary : best),
      undefined,
    )
}

/** "demo-prod Launching/Grey" for each environment a waiter's poll saw. */
function environmentStates(output: unknown): string {
  const environments = (output as DescribeEnvironmentsCommandOutput).Environments ?? []
  return environments.map((env) => `${env.EnvironmentName} ${env.Status ?? '?'}/${env.Health ?? '?'}`).join(', ')
}

function instanceCounts(summary: InstanceHealthSummary | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(summary ?? {}).filter(([, count]) => typeof count === 'number' && count > 0))
}

function toInstanceHealth(item: SingleInstanceHealth): InstanceHealth {
  return {
    availabilityZone: item.AvailabilityZone,
    causes: item.Causes ?? [],
    color: item.Color,
    healthStatus: item.HealthStatus,
    instanceId: item.InstanceId ?? '',
    instanceType: item.InstanceType,
    launchedAt: item.LaunchedAt,
    versionLabel: item.Deployment?.VersionLabel,
  }
}

/** Attempts, and the pause between them, while a new role or instance profile becomes visible to EB (IAM: "usually seconds"). */
const IAM_PROPAGATION_ATTEMPTS = 6
const IAM_PROPAGATION_DELAY_MS = 10_000

/** EB's answer when it cannot see the instance profile or service role (yet). */
function isIamNotYetVisible(error: unknown): boolean {
  const message = error instanceof Error ? error.message : ''
  return hasAwsCode(error, 'InvalidParameterValue') && /instance profile .* does not exist|Unable to assume role/i.test(message)
}

export function createEbApi(client: ElasticBeanstalkClient, context: ApiContext): EbApi {
  const {clock, reporter} = context

  async function describeEnvironment(name: string): Promise<EnvironmentDescription | undefined> {
    const out = await awsCall('elasticbeanstalk:DescribeEnvironments', () =>
      client.send(new DescribeEnvironmentsCommand({EnvironmentNames: [name], IncludeDeleted: false})),
    )
    return (out.Environments ?? []).find((env) => env.Status !== 'Terminated')
  }

  async function configurationSets(application: string, of: {readonly environment: string} | {readonly template: string}): Promise<ConfigurationSettingsDescription[]> {
    const target = 'environment' in of ? {EnvironmentName: of.environment} : {TemplateName: of.template}
    const out = await awsCall('elasticbeanstalk:DescribeConfigurationSettings', () =>
      client.send(new DescribeConfigurationSettingsCommand({ApplicationName: application, ...target})),
    )
    return out.ConfigurationSettings ?? []
  }

  return {
    async abortEnvironmentUpdate(name) {
      await awsCall('elasticbeanstalk:AbortEnvironmentUpdate', () => client.send(new AbortEnvironmentUpdateCommand({EnvironmentName: name})))
    },

    async configurationSettings(application, environment) {
      const sets = await configurationSets(application, {environment})
      // During an update EB also returns the pending draft; the deployed set is what runs.
      const deployed = sets.find((set) => set.DeploymentStatus === 'deployed') ?? sets[0]
      return deployed?.OptionSettings ?? []
    },

    configurationSets,

    async createApplication(input) {
      try {
        await client.send(new CreateApplicationCommand({ApplicationName: input.name, Description: input.description, Tags: tagList(input.tags)}))
        return true
      } catch (error) {
        if (isAlreadyExists(error)) return false
        return awsCall('elasticbeanstalk:CreateApplication', () => Promise.reject(error))
      }
    },

    async createApplicationVersion(input) {
      try {
        await client.send(
          new CreateApplicationVersionCommand({
            ApplicationName: input.application,
            Description: input.description,
            SourceBundle: {S3Bucket: input.bucket, S3Key: input.key},
            Tags: tagList(input.tags),
            VersionLabel: input.label,
          }),
        )
        return true
      } catch (error) {
        if (isAlreadyExists(error)) return false
        return awsCall('elasticbeanstalk:CreateApplicationVersion', () => Promise.reject(error))
      }
    },

    async createEnvironment(input) {
      // IAM is eventually consistent: a role or instance profile made seconds ago can still be
      // "not found" to EB. That answer is retried for a while; every other one is final.
      for (let attempt = 1; ; attempt++) {
        try {
          const out = await client.send(new CreateEnvironmentCommand(input))
          const {$metadata: _metadata, ...environment} = out
          return environment
        } catch (error) {
          if (attempt >= IAM_PROPAGATION_ATTEMPTS || !isIamNotYetVisible(error)) throw translateAwsError(error, 'elasticbeanstalk:CreateEnvironment')
          reporter.emit({attempt: attempt + 1, errorCode: 'IAM not visible yet', service: 'elasticbeanstalk', type: 'retry'})
          await clock.sleep(IAM_PROPAGATION_DELAY_MS)
        }
      }
    },

    async createStorageLocation() {
      const out = await awsCall('elasticbeanstalk:CreateStorageLocation', () => client.send(new CreateStorageLocationCommand({})))
      return out.S3Bucket ?? ''
    },

    async deleteApplication(name) {
      await awsCall('elasticbeanstalk:DeleteApplication', () =>
        client.send(new DeleteApplicationCommand({ApplicationName: name, TerminateEnvByForce: true})),
      )
    },

    async describeApplication(name) {
      const out = await awsCall('elasticbeanstalk:DescribeApplications', () =>
        client.send(new DescribeApplicationsCommand({ApplicationNames: [name]})),
      )
      return out.Applications?.find((app) => app.ApplicationName === name)
    },

    async describeApplicationVersion(application, label) {
      const out = await awsCall('elasticbeanstalk:DescribeApplicationVersions', () =>
        client.send(new DescribeApplicationVersionsCommand({ApplicationName: application, VersionLabels: [label]})),
      )
      return out.ApplicationVersions?.find((version) => version.VersionLabel === label)
    },

    describeEnvironment,

    async describePlatformVersion(platformArn) {
      const out = await awsCall('elasticbeanstalk:DescribePlatformVersion', () =>
        client.send(new DescribePlatformVersionCommand({PlatformArn: platformArn})),
      )
      return out.PlatformDescription
    },

    async describeEvents(input) {
      return awsCall('elasticbeanstalk:DescribeEvents', async () => {
        const found: EventDescription[] = []
        const pages = paginateDescribeEvents({client}, {EnvironmentName: input.environmentName, StartTime: input.since})
        for await (const page of pages) found.push(...(page.Events ?? []))
        // EB lists newest first.
        return found.reverse()
      })
    },

    async environmentHealth(name) {
      try {
        const out = await client.send(new DescribeEnvironmentHealthCommand({AttributeNames: ['All'], EnvironmentName: name}))
        return {
          causes: out.Causes ?? [],
          color: out.Color,
          healthStatus: out.HealthStatus,
          instances: instanceCounts(out.InstancesHealth),
          status: out.Status,
        }
      } catch (error) {
        // Basic health reporting: "DescribeEnvironmentHealth is not supported."
        if (hasAwsCode(error, 'InvalidRequestException') || isEnvironmentNotFound(error)) return undefined
        return awsCall('elasticbeanstalk:DescribeEnvironmentHealth', () => Promise.reject(error))
      }
    },

    async describeInstancesHealth(name) {
      const found: InstanceHealth[] = []
      let nextToken: string | undefined
      try {
        do {
          const out = await client.send(new DescribeInstancesHealthCommand({AttributeNames: ['All'], EnvironmentName: name, NextToken: nextToken}))
          found.push(...(out.InstanceHealthList ?? []).map(toInstanceHealth))
          nextToken = out.NextToken
        } while (nextToken)
      } catch (error) {
        // Basic health reporting answers as DescribeEnvironmentHealth does.
        if (hasAwsCode(error, 'InvalidRequestException') || isEnvironmentNotFound(error)) return undefined
        return awsCall('elasticbeanstalk:DescribeInstancesHealth', () => Promise.reject(error))
      }

      return found
    },

    async environmentResources(name) {
      const out = await awsCall('elasticbeanstalk:DescribeEnvironmentResources', () =>
        client.send(new DescribeEnvironmentResourcesCommand({EnvironmentName: name})),
      )
      const resources = out.EnvironmentResources ?? {}
      const names = (items: ReadonlyArray<{Name?: string}> | undefined) => (items ?? []).map((item) => item.Name ?? '')
      return {
        autoScalingGroups: names(resources.AutoScalingGroups),
        instanceIds: (resources.Instances ?? []).map((instance) => instance.Id ?? ''),
        launchTemplates: (resources.LaunchTemplates ?? []).map((template) => template.Id ?? ''),
        loadBalancers: names(resources.LoadBalancers),
      }
    },

    async latestPlatform(branch) {
      const summaries = await awsCall('elasticbeanstalk:ListPlatformVersions', async () => {
        const found: PlatformSummary[] = []
        const pages = paginateListPlatformVersions(
          {client},
          {
            Filters: [
              {Operator: '=', Type: 'PlatformBranchName', Values: [branch]},
              {Operator: '=', Type: 'PlatformStatus', Values: ['Ready']},
            ],
          },
        )
        for await (const page of pages) found.push(...(page.PlatformSummaryList ?? []))
        return found
      })
      const newest = newestPlatform(summaries)
      if (!newest) {
        throw new UserError('platform-not-found', `No Elastic Beanstalk platform version found for branch "${branch}".`, {
          suggestions: [
            'Check the platform branch in hactl.yml; branch names look like "PHP 8.3 running on 64bit Amazon Linux 2023".',
            'List the branches of this region with `aws elasticbeanstalk list-platform-branches`.',
          ],
        })
      }

      return {arn: newest.PlatformArn ?? '', branch: newest.PlatformBranchName ?? branch, version: newest.PlatformVersion ?? ''}
    },

    async terminateEnvironment(name) {
      await awsCall('elasticbeanstalk:TerminateEnvironment', () => client.send(new TerminateEnvironmentCommand({EnvironmentName: name})))
    },

    async updateEnvironment(input) {
      const out = await awsCall('elasticbeanstalk:UpdateEnvironment', () =>
        client.send(
          new UpdateEnvironmentCommand({
            EnvironmentName: input.name,
            OptionSettings: input.optionSettings ? [...input.optionSettings] : undefined,
            OptionsToRemove: input.optionsToRemove ? [...input.optionsToRemove] : undefined,
            VersionLabel: input.versionLabel,
          }),
        ),
      )
      const {$metadata: _metadata, ...environment} = out
      return environment
    },

    /**
     * EB's three waiters all succeed when every environment listed is Ready
     * (or Terminated) and retry on anything else; EnvironmentUpdated's only
     * named retry state is Updating, EnvironmentExists' Launching, so either
     * covers a launch and an update. Terminated namesakes are left out of the
     * poll: they would never turn Ready.
     */
    async waitForEnvironmentReady(name, wait) {
      await runSdkWaiter({
        client,
        clock,
        describe: environmentStates,
        input: {EnvironmentNames: [name], IncludeDeleted: false},
        minDelaySeconds: EB_WAITER_DELAY_SECONDS,
        reporter,
        signal: wait.signal,
        timeoutMs: wait.timeoutMs,
        waiter: waitUntilEnvironmentUpdated,
        what: `environment ${name} to be Ready`,
      })
    },

    /**
     * Waits on the live environment's id, with deleted ones included (a
     * Terminated environment is only listed that way). Nothing live by that
     * name means there is nothing to wait for.
     */
    async waitForEnvironmentTerminated(name, wait) {
      const live = await describeEnvironment(name)
      if (live?.EnvironmentId === undefined) return
      await runSdkWaiter({
        client,
        clock,
        describe: environmentStates,
        input: {EnvironmentIds: [live.EnvironmentId], IncludeDeleted: true},
        minDelaySeconds: EB_WAITER_DELAY_SECONDS,
        reporter,
        signal: wait.signal,
        timeoutMs: wait.timeoutMs,
        waiter: waitUntilEnvironmentTerminated,
        what: `environment ${name} to be Terminated`,
      })
    },
  }
}
