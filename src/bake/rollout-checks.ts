/**
 * What a rollout checks before it touches the environment: the image (this
 * site's bake, available, the instance type's CPU architecture, the
 * environment's platform version) and the environment (Ready, no update in
 * progress, room above MinSize for a rolling update), and the option settings
 * it then sends — the ImageId and the rollout policy, nothing else.
 */
import type {ConfigurationOptionSetting, EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'
import type {Image} from '@aws-sdk/client-ec2'

import type {AlarmReading} from '../aws/cloudwatch'
import {EB} from '../aws/eb-options'
import type {HactlConfig} from '../config/schema'
import {ConfigError, HactlError, UserError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {BAKE_ROLE, BAKE_TAGS} from './record'

/** Why an image may not go into the environment; undefined when it may. */
export interface ImageFacts {
  readonly site: string
  readonly imageId: string
  /** DescribeImages' answer; undefined when EC2 does not know the id. */
  readonly image: Image | undefined
  /** The CPU architectures the environment's instance type supports. */
  readonly architectures: readonly string[]
  readonly instanceType: string
  /** The platform version the environment runs. */
  readonly platformArn: string
  /** Rollback may go back to the AMI the environment ran before its first bake (EB's platform AMI), which no bake tags. */
  readonly allowUntagged: boolean
}

function tagsOf(image: Image): Record<string, string> {
  return Object.fromEntries((image.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
}

/** Throws the one-line refusal (with its fix) for an image that may not be rolled out. */
export function checkImage(facts: ImageFacts): void {
  const {image, imageId, site} = facts
  if (!image) {
    throw new UserError('image-not-found', `Image ${imageId} does not exist in this Region (or is not visible to this account).`, {
      suggestions: ['List this site\'s bakes with `hactl images list`, or bake one with `hactl bake`.'],
    })
  }

  if (image.State !== 'available') {
    throw new HactlError('image-not-available', `Image ${imageId} is ${image.State ?? 'in an unknown state'}, not available.`, {
      exitCode: ExitCode.NotReady,
      suggestions: [image.State === 'pending' ? 'Wait for the bake to finish (`hactl bake` waits for it), then run the rollout again.' : 'Bake a new image with `hactl bake`.'],
    })
  }

  const tags = tagsOf(image)
  const untagged = tags[BAKE_TAGS.site] === undefined && tags[BAKE_TAGS.role] === undefined
  if (!(untagged && facts.allowUntagged) && (tags[BAKE_TAGS.site] !== site || tags[BAKE_TAGS.role] !== BAKE_ROLE)) {
    const whose = tags[BAKE_TAGS.site] === undefined ? 'not a hactl bake' : `a ${tags[BAKE_TAGS.role] ?? '?'} image of site ${tags[BAKE_TAGS.site]}`
    throw new UserError('image-not-this-site', `Image ${imageId} is ${whose}, not a bake of ${site}.`, {
      suggestions: [`Roll out one of ${site}'s bakes (\`hactl images list\`), or bake one with \`hactl bake\`.`],
    })
  }

  if (image.Architecture !== undefined && !facts.architectures.includes(image.Architecture)) {
    throw new UserError('image-architecture', `Image ${imageId} is ${image.Architecture}, but the environment's instance type ${facts.instanceType} runs ${facts.architectures.join('/') || 'another architecture'}.`, {
      suggestions: ['Bake from a seed of the same architecture as environment.instanceType (seed.instanceType in hactl.yml), or change the instance type.'],
    })
  }

  const builtOn = tags[BAKE_TAGS.platformArn]
  if (builtOn !== undefined && builtOn !== facts.platformArn) {
    throw new UserError('image-platform', `Image ${imageId} was baked on ${builtOn}, but the environment runs ${facts.platformArn}.`, {
      suggestions: ['Re-create the seed on the current platform (`hactl seed destroy && hactl seed create`), run the staging tests and bake again.'],
    })
  }
}

export interface EnvironmentFacts {
  readonly environment: EnvironmentDescription
  readonly minSize: number
  readonly maxSize: number
  readonly alarms: readonly AlarmReading[]
}

/** Throws when the environment cannot take a rollout now. */
export function checkEnvironment(config: HactlConfig, facts: EnvironmentFacts): void {
  const env = facts.environment
  const name = env.EnvironmentName ?? ''
  if (env.Status !== 'Ready' || env.AbortableOperationInProgress === true) {
    throw new HactlError('environment-busy', `Environment ${name} is ${env.Status ?? '?'}${env.AbortableOperationInProgress ? ' with an update in progress' : ''}; a rollout needs it Ready.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Wait for the running update to end (`hactl status`), then run the rollout again.'],
    })
  }

  if (config.environment.rollout.policy === 'RollingByHealth' && facts.maxSize <= facts.minSize) {
    throw new ConfigError(`Environment ${name} has MaxSize ${facts.maxSize} = MinSize ${facts.minSize}: a rolling update by health would have to drop below the minimum.`, {
      suggestions: ['Raise environment.maxSize above minSize in hactl.yml and run `hactl env create` to apply it, or use rollout policy Immutable.'],
    })
  }

  const missing = config.environment.rollout.alarms.filter((alarm) => !facts.alarms.some((reading) => reading.name === alarm))
  if (missing.length > 0) {
    throw new ConfigError(`CloudWatch alarm${missing.length === 1 ? '' : 's'} ${missing.join(', ')} named in environment.rollout.alarms do${missing.length === 1 ? 'es' : ''} not exist in ${config.region}.`, {
      suggestions: ['Fix the names in hactl.yml (`aws cloudwatch describe-alarms`), or remove them.'],
    })
  }

  const firing = facts.alarms.find((alarm) => alarm.state === 'ALARM')
  if (firing) {
    throw new HactlError('alarm-firing', `Alarm ${firing.name} is already in ALARM (${firing.reason}); a rollout now could not tell its effect.`, {
      exitCode: ExitCode.Unhealthy,
      suggestions: ['Fix what the alarm reports first, then run the rollout again.'],
    })
  }
}

function option(Namespace: string, OptionName: string, Value: string | number | boolean): ConfigurationOptionSetting {
  return {Namespace, OptionName, Value: String(Value)}
}

/**
 * The update: the ImageId and the rollout policy (so a policy changed in
 * hactl.yml since `env create` applies to this very update), nothing else.
 * RollingByHealth keeps MinSize in service (invariant 3); Immutable is a
 * RollingUpdateType for configuration changes (DeploymentPolicy is for
 * application versions). EB's Timeout is PT5M–PT1H per batch.
 */
export function rolloutOptionSettings(config: HactlConfig, imageId: string): ConfigurationOptionSetting[] {
  const {minSize, rollout} = config.environment
  const rolling = rollout.policy === 'RollingByHealth'
  return [
    option(EB.launch.namespace, EB.launch.ImageId, imageId),
    option(EB.rolling.namespace, EB.rolling.RollingUpdateEnabled, true),
    option(EB.rolling.namespace, EB.rolling.RollingUpdateType, rolling ? 'Health' : 'Immutable'),
    ...(rolling ? [option(EB.rolling.namespace, EB.rolling.MaxBatchSize, rollout.batchSize), option(EB.rolling.namespace, EB.rolling.MinInstancesInService, minSize)] : []),
    option(EB.rolling.namespace, EB.rolling.Timeout, `PT${Math.min(60, Math.max(5, rollout.timeoutMinutes))}M`),
  ]
}
