import type {EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'

import type {EbApi} from '../../aws/eb'
import {EnvironmentHealthPoller, requireEnvironment, verdictOn, watchEnvironment} from '../../aws/eb-watch'
import {tagList} from '../../aws/resource-calls'
import {ExitCode} from '../../core/exit-codes'
import {HactlError, UserError} from '../../core/errors'
import {defineStep, type Step, type StepContext} from '../../core/steps'
import {changedOptions, environmentProperties, environmentPropertyProblems, optionSettings, optionUpdateBatches, tagsFor, type Refs} from '../spec'
import type {BundleOutput, PlatformOutput} from './bundle'
import {RESUME, type EnvStepOptions} from './context'
import {toRefs, type RefSteps} from './refs'

export interface EnvironmentNeeds extends RefSteps {
  readonly iam: Step<string>
  readonly instancePolicy: Step<string>
  readonly mountTargets: Step<string>
  readonly efsPolicy: Step<string>
  readonly bundle: Step<BundleOutput>
  readonly platform: Step<PlatformOutput>
  /** The site's pointer parameter: written before any instance boots and looks for it. */
  readonly pointers: Step<string>
}

/** What the environment is created with, or brought in line with. */
interface Target {
  readonly refs: Refs
  readonly versionLabel: string
  readonly platformArn: string
}

export interface EnvironmentOptions extends EnvStepOptions {
  /**
   * Deploy the current bundle again on every instance even when nothing
   * differs: the way out of a Red environment after a transient failure,
   * where a re-run alone has nothing to send. The data tier is not touched.
   */
  readonly redeploy?: boolean
}

/** The error code of a Red verdict: the environment exists and answers, but is not healthy. */
export const UNHEALTHY_CODE = 'environment-unhealthy'

/** The EB environment: created, or an existing one brought in line with hactl.yml; then judged (Ready is not success). */
export function environmentStep(options: EnvironmentOptions, needs: EnvironmentNeeds): Step<EnvironmentDescription> {
  return defineStep({
    describe: (env) => `${env.Status} ${env.Health}`,
    id: 'env/environment',
    needs,
    run: (inputs, context) => ensureEnvironment(options, {platformArn: inputs.platform.arn, refs: toRefs(inputs), versionLabel: inputs.bundle.versionLabel}, context),
    title: `Elastic Beanstalk environment ${options.names.environment}`,
  })
}

async function ensureEnvironment(options: EnvironmentOptions, target: Target, context: StepContext): Promise<EnvironmentDescription> {
  const {clients, config, names} = options
  const eb = await clients.eb()
  let env = await eb.describeEnvironment(names.environment)
  if (env?.Status === 'Terminating') {
    throw new UserError('environment-terminating', `Environment ${names.environment} is still terminating.`, {
      suggestions: ['Wait for it to finish (`hactl env status`), then run `hactl env create` again.'],
    })
  }

  const problems = environmentPropertyProblems(environmentProperties(config, target.refs))
  if (problems.length > 0) {
    throw new HactlError('environment-properties-too-large', `Environment properties exceed Elastic Beanstalk's limits: ${problems.join('; ')}.`)
  }

  if (!env) {
    const since = new Date(options.clock.now())
    context.startedOperation()
    env = await eb.createEnvironment({
      ApplicationName: names.application,
      Description: `hactl: ${config.app} site ${config.site}`,
      EnvironmentName: names.environment,
      OptionSettings: optionSettings(config, target.refs),
      PlatformArn: target.platformArn,
      Tags: tagList(tagsFor(config, 'environment')),
      Tier: {Name: 'WebServer', Type: 'Standard'},
      VersionLabel: target.versionLabel,
    })
    options.note('EB environment', names.environment, env.EnvironmentId ?? '', 'created')
    return healthy(options, eb, await watchReady(options, eb, context, since))
  }

  options.note('EB environment', names.environment, env.EnvironmentId ?? '', 'found')
  // Still launching or updating from an earlier run: see that through first.
  if (env.Status !== 'Ready' || env.Health === 'Grey') {
    context.startedOperation()
    env = await watchReady(options, eb, context, new Date(options.clock.now()))
  }

  return healthy(options, eb, await converge(options, eb, target, context, env))
}

/**
 * Sends the bundle version again (UpdateEnvironment with the version label
 * the environment already runs: EB deploys it to every instance again),
 * unless converge has just deployed it.
 */
async function redeploy(options: EnvStepOptions, eb: EbApi, target: Target, context: StepContext, current: EnvironmentDescription): Promise<EnvironmentDescription> {
  const since = new Date(options.clock.now())
  context.startedOperation()
  await eb.updateEnvironment({name: options.names.environment, versionLabel: target.versionLabel})
  options.note('EB environment version', `${target.versionLabel} (redeployed)`, current.EnvironmentId ?? '', 'updated')
  return watchReady(options, eb, context, since)
}

/**
 * Brings an existing environment in line with hactl.yml: the option settings
 * that differ (an Immutable site's launch settings in a call of their own,
 * spec.ts optionUpdateBatches), then (separately: EB refuses both in one
 * call) the bundle version. Nothing differs, nothing is called.
 */
async function converge(options: EnvironmentOptions, eb: EbApi, target: Target, context: StepContext, env: EnvironmentDescription): Promise<EnvironmentDescription> {
  const {names} = options
  const deployed = await eb.configurationSettings(names.application, names.environment)
  const changes = changedOptions(optionSettings(options.config, target.refs), deployed)
  let current = env
  for (const batch of optionUpdateBatches(options.config, changes)) {
    const since = new Date(options.clock.now())
    context.startedOperation()
    await eb.updateEnvironment({
      name: names.environment,
      optionSettings: batch.map((change) => ({Namespace: change.namespace, OptionName: change.option, Value: change.value})),
    })
    options.note('EB option settings', batch.map((change) => `${change.namespace} ${change.option}`).join(', '), current.EnvironmentId ?? '', 'updated')
    current = await watchReady(options, eb, context, since)
  }

  if (current.VersionLabel !== target.versionLabel) {
    const since = new Date(options.clock.now())
    context.startedOperation()
    await eb.updateEnvironment({name: names.environment, versionLabel: target.versionLabel})
    options.note('EB environment version', target.versionLabel, current.EnvironmentId ?? '', 'updated')
    return watchReady(options, eb, context, since)
  }

  return options.redeploy ? redeploy(options, eb, target, context, current) : current
}

/** Waits for Ready, passing EB's events on as they come. */
async function watchReady(options: EnvStepOptions, eb: EbApi, {deadline, signal}: StepContext, since: Date): Promise<EnvironmentDescription> {
  const name = options.names.environment
  const ready = await watchEnvironment({clock: options.clock, eb, environmentName: name, reporter: options.reporter, resumeHint: RESUME, since, ...deadline.wait(signal), until: 'ready'})
  return requireEnvironment(ready, name)
}

/**
 * Ready is not success (judgeEnvironment): Red fails the command with EB's
 * causes; Yellow is passed on as a warning.
 */
async function healthy(options: EnvStepOptions, eb: EbApi, env: EnvironmentDescription): Promise<EnvironmentDescription> {
  const name = env.EnvironmentName ?? options.names.environment
  const verdict = await verdictOn(env, new EnvironmentHealthPoller({eb, environmentName: name, reporter: options.reporter}))
  if (verdict.verdict === 'healthy') return env
  if (verdict.verdict === 'degraded') {
    options.reporter.emit({message: verdict.message, type: 'warning'})
    return env
  }

  // Not an AWS call that failed (exit 4 with a request id): every call worked, and the environment is Red.
  throw new HactlError(UNHEALTHY_CODE, verdict.message, {
    data: {causes: verdict.causes, health: env.Health, healthStatus: verdict.healthStatus},
    exitCode: ExitCode.Unhealthy,
    suggestions: [
      `\`hactl env status\` shows the causes; EB's logs are in CloudWatch under /aws/elasticbeanstalk/${name}/.`,
      'After a passing failure (nothing to change in hactl.yml), run `hactl env create --redeploy`: it deploys the bundle again on every instance, keeping the database, cache and uploads.',
      'After fixing hactl.yml or the bundle, run `hactl env create` again: it applies what changed to this environment in place.',
    ],
  })
}
