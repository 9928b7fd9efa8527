/**
 * `hactl env create`: the site's environment and its data tier, created in
 * parallel wherever AWS allows and idempotently: every step first looks for
 * what exists (by name, creation token or client token) and creates only
 * what is missing, so a re-run after a failure or a timeout continues.
 *
 * The steps live in ./steps/, one module per kind of resource; this file
 * wires them into one graph. Each step names the steps whose outputs it
 * reads, and that is the whole of the ordering:
 *
 *   network ─► security-groups ─► efs-mount-targets ──────────────┐
 *     │   └──► db-subnet-group ─► database ─┬─► instance-policy ─┼─► environment
 *     └──────► cache-subnet-group ─► cache ─┘                     │
 *   efs ─► efs-access-point ─► efs-policy ────────────────────────┤
 *   app-db-secret, database, cache, efs ─► pointers ──────────────┤
 *   iam, cache-secret, db-parameter-group, bundle, platform ──────┤
 *   certificate (with a domain: ACM, DNS validation) ─────────────┘
 *
 * The parameter group step resolves the exact engine version (from the live
 * database, the snapshot being restored, or hactl.yml) and the database is
 * created with that version, so the two always agree.
 */
import type {EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'

import type {AwsClients} from '../aws/clients'
import {Deadline} from '../core/deadline'
import {HactlError, UserError} from '../core/errors'
import type {Reporter} from '../core/progress'
import {runSteps, type Step, type StepTiming} from '../core/steps'
import type {HactlConfig} from '../config/schema'
import {siteNames} from '../site/names'
import {buildBundle, type Bundle} from './bundle'
import {bundleStep, platformStep} from './steps/bundle'
import {siteBundle} from './https'
import {cacheSecretStep, cacheStep} from './steps/cache'
import {certificateStep} from './steps/certificate'
import {RESUME, type EnvStepOptions, type ResourceOutcome} from './steps/context'
import {databaseStep, dbParameterGroupStep} from './steps/database'
import {accessPointStep, efsPolicyStep, fileSystemStep, mountTargetsStep} from './steps/efs'
import {environmentStep, UNHEALTHY_CODE} from './steps/environment'
import {iamStep, instancePolicyStep} from './steps/iam'
import {networkStep} from './steps/network'
import {notifyStep, seedLogGroupsStep} from './steps/ops'
import {appDbSecretStep, pointersStep} from './steps/pointers'
import {preflight, type LiveDataTier} from './steps/preflight'
import {securityGroupsStep} from './steps/security-groups'
import {subnetGroupStep} from './steps/subnet-group'

export type {ResourceAction, ResourceOutcome} from './steps/context'

export interface CreateEnvironmentOptions {
  readonly config: HactlConfig
  /** AWS clients; their clock is the run's clock. */
  readonly clients: AwsClients
  readonly reporter: Reporter
  /** Ctrl-C, or the site lock lost (HactlCommand.withSiteLock): stops every step. */
  readonly signal?: AbortSignal
  /** When the run gives up waiting. @default `timeoutMs` from now */
  readonly deadline?: Deadline
  /** The deadline as a duration, for callers without a Deadline. @default 60 minutes */
  readonly timeoutMs?: number
  /** The application bundle. @default buildBundle() from the package's .ebextensions/.platform/bundle */
  readonly bundle?: Bundle
  /**
   * When the database is gone but a final snapshot of it exists (after `env
   * destroy`), create it from this snapshot. Without it (or `newDatabase`)
   * hactl refuses to put an empty database next to the kept uploads.
   */
  readonly restoreSnapshot?: string
  /** Create an empty database even though final snapshots exist. */
  readonly newDatabase?: boolean
  /** Deploy the bundle again on an existing environment even when nothing differs (the repair for a Red one). */
  readonly redeploy?: boolean
}

export interface EnvironmentSummary {
  readonly name: string
  readonly id: string
  readonly status: string
  readonly health: string
  readonly cname?: string
  readonly endpointUrl?: string
  readonly versionLabel?: string
  readonly platformArn?: string
}

export interface CreateEnvironmentResult {
  readonly site: string
  readonly environment: EnvironmentSummary
  readonly resources: readonly ResourceOutcome[]
  /** Per step, on the clock's time: what the benchmark compares with the critical path. */
  readonly timings: readonly StepTiming[]
  /** Clock time the whole run took (simulated in the sandbox). */
  readonly elapsedMs: number
}

const DEFAULT_TIMEOUT_MS = 60 * 60_000

/** The whole graph; `environment` is the step whose output the run returns. */
function createGraph(
  options: EnvStepOptions,
  live: LiveDataTier,
  bundle: Bundle,
  {redeploy, restoreSnapshot}: Pick<CreateEnvironmentOptions, 'redeploy' | 'restoreSnapshot'>,
): {steps: Step[]; environment: Step<EnvironmentDescription>} {
  const network = networkStep(options)
  const groups = securityGroupsStep(options, {network})
  const iam = iamStep(options)
  const efs = fileSystemStep(options)
  const mountTargets = mountTargetsStep(options, {efs, groups, network})
  const accessPoint = accessPointStep(options, {efs})
  const efsPolicy = efsPolicyStep(options, {accessPoint, efs, network})
  const parameterGroup = dbParameterGroupStep({...options, live, restoreSnapshot})
  const dbSubnetGroup = subnetGroupStep(options, {network}, 'db')
  const database = databaseStep({...options, live, restoreSnapshot}, {groups, network, parameterGroup, subnetGroup: dbSubnetGroup})
  const secret = cacheSecretStep(options)
  const cacheSubnetGroup = subnetGroupStep(options, {network}, 'cache')
  const cache = cacheStep({...options, live}, {groups, secret, subnetGroup: cacheSubnetGroup})
  const bundleVersion = bundleStep(options, bundle)
  const platform = platformStep(options)
  const appDbSecret = appDbSecretStep(options)
  const certificate = certificateStep(options)
  const pointers = pointersStep(options, {accessPoint, appDbSecret, cache, certificate, database, efs})
  const refs = {accessPoint, appDbSecret, cache, certificate, database, efs, groups, network}
  const instancePolicy = instancePolicyStep(options, {...refs, iam})
  const environment = environmentStep({...options, redeploy}, {...refs, bundle: bundleVersion, efsPolicy, iam, instancePolicy, mountTargets, platform, pointers})
  const steps: Step[] = [
    network, groups, iam, efs, mountTargets, accessPoint, efsPolicy, parameterGroup, dbSubnetGroup, database,
    secret, cacheSubnetGroup, cache, appDbSecret, pointers, bundleVersion, platform, certificate, instancePolicy, environment,
    seedLogGroupsStep(options), notifyStep(options),
  ]
  return {environment, steps}
}

export async function createEnvironment(options: CreateEnvironmentOptions): Promise<CreateEnvironmentResult> {
  const {clients, config, reporter} = options
  const {clock} = clients
  const startedAt = clock.now()
  const deadline = options.deadline ?? Deadline.after(clock, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const resources: ResourceOutcome[] = []
  const stepOptions: EnvStepOptions = {
    clients,
    clock,
    config,
    names: siteNames(config.site, config.region),
    note: (kind, name, id, action) => resources.push({action, id, kind, name}),
    reporter,
  }
  try {
    const live = await preflight({...stepOptions, newDatabase: options.newDatabase, restoreSnapshot: options.restoreSnapshot})
    const graph = createGraph(stepOptions, live, siteBundle(config, options.bundle ?? buildBundle()), options)
    const run = await runSteps(graph.steps, {clock, deadline, reporter, signal: options.signal})
    return {
      elapsedMs: clock.now() - startedAt,
      environment: summarize(run.output(graph.environment)),
      resources,
      site: config.site,
      timings: run.timings,
    }
  } catch (error) {
    // Whatever failed, what was made is found again by a re-run. A Red verdict is no failure to resume: its own advice says what to do.
    if (HactlError.isHactlError(error) && !(error instanceof UserError) && error.code !== UNHEALTHY_CODE) throw error.withSuggestions(RESUME)
    throw error
  }
}

export function summarize(env: EnvironmentDescription): EnvironmentSummary {
  return {
    cname: env.CNAME,
    endpointUrl: env.EndpointURL,
    health: env.Health ?? 'Grey',
    id: env.EnvironmentId ?? '',
    name: env.EnvironmentName ?? '',
    platformArn: env.PlatformArn,
    status: env.Status ?? 'Unknown',
    versionLabel: env.VersionLabel,
  }
}
