/**
 * `hactl up`: the whole pipeline as named stages, each passed over when its
 * work is already done (src/pipeline/stages.ts):
 *
 *   env      done when every resource exists, no option setting differs from hactl.yml and the environment is Ready and Green
 *   seed     done when a seed runs and its boot reported ok
 *   test     done when the last passing staging run has the seed's current change marker
 *   bake     done when the latest bake has the seed's current change marker
 *   rollout  done when the environment runs the latest bake
 *
 * The seed's marker is read once per stage that needs it (an SSM command on
 * the seed): a stage that changes the seed would change it.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import type {Deadline} from '../core/deadline'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {bake} from '../bake/bake'
import {readLastPass, readSeedMarker} from '../bake/gate'
import {readImageRoles} from '../bake/images'
import {latestBakeParameterName, parseBakeRecord} from '../bake/record'
import {rollout} from '../bake/rollout'
import {buildBundle} from '../env/bundle'
import {createEnvironment} from '../env/create'
import {planLive} from '../env/plan'
import {createSeed} from '../seed/create'
import {requireSeed} from '../seed/state'
import {seedStatus} from '../seed/status'
import {notifyBake, withRolloutNotifications} from '../ops/notify-hooks'
import {siteNames} from '../site/names'
import {exitCodeOf, runStaging} from '../staging/run'

import {runStages, type Stage, type StageCheck, type StageOutcome} from './stages'

export interface UpOptions {
  readonly config: HactlConfig
  readonly clients: AwsClients
  readonly reporter: Reporter
  readonly signal: AbortSignal
  readonly deadline: Deadline
  /** The run id (audit trail, lock record, the bake's tags). */
  readonly runId: string
  /** hactl's version, tagged on the bake. */
  readonly hactlVersion: string
}

export interface UpResult {
  readonly site: string
  /** True when every stage was passed over: nothing was changed. */
  readonly nothingToDo: boolean
  readonly stages: readonly StageOutcome[]
  readonly elapsedMs: number
  /** Summed over the stages (see StageOutcome.awsCalls). */
  readonly awsCalls: {readonly total: number; readonly mutations: number; readonly commands: number}
}

export function envStage(options: UpOptions): Stage {
  const {clients, config} = options
  return {
    async check(): Promise<StageCheck> {
      // One describe first: a site with no Ready, Green environment (the first `up`) needs no plan to know the stage must run.
      const env = await (await clients.eb()).describeEnvironment(siteNames(config.site, config.region).environment)
      if (env?.Status !== 'Ready' || env.Health !== 'Green') return {done: false, why: `environment ${env?.Status ?? 'missing'} / ${env?.Health ?? '-'}`}
      const plan = await planLive({bundle: buildBundle(), clients, config})
      const {create, optionChanges} = plan.summary
      if (create > 0 || optionChanges > 0) return {done: false, why: `${create} to create, ${optionChanges} option changes`}
      return {detail: `${env.EnvironmentName}: Ready, Green, nothing differs from hactl.yml`, done: true}
    },
    id: 'env',
    async run() {
      const result = await createEnvironment({...options})
      return `${result.environment.name}: ${result.environment.status}, ${result.environment.health}`
    },
    title: 'Environment and data tier',
  }
}

export function seedStage(options: UpOptions): Stage {
  return {
    async check(): Promise<StageCheck> {
      const status = await seedStatus(options)
      if (status.seed?.state === 'running' && status.boot?.status === 'ok') return {detail: `${status.seed.instanceId} running, boot ok`, done: true}
      return {done: false}
    },
    id: 'seed',
    async run() {
      const result = await createSeed({...options})
      return `${result.instanceId} ${result.launched ? 'launched' : 'found'}, boot ${result.boot.status}`
    },
    title: 'Seed',
  }
}

/** The seed's change marker now: an SSM command on the seed (its code, plugins, app version, PHP modules). */
async function currentMarker(options: UpOptions): Promise<string> {
  const {clients, config, reporter, signal} = options
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const seed = await requireSeed(ec2, config.site)
  const marker = await readSeedMarker({clock: clients.clock, instanceId: seed.InstanceId ?? '', reporter, signal, ssm})
  return marker.value
}

const short = (marker: string) => marker.replace(/^sha256:/, '').slice(0, 12)

/** Reads the seed's marker once (an SSM command): the test stage only reads the seed, so the bake stage sees the same. */
export function seedMarkerOnce(options: UpOptions): () => Promise<string> {
  let read: Promise<string> | undefined
  return () => (read ??= currentMarker(options))
}

export function testStage(options: UpOptions, marker: () => Promise<string>): Stage {
  const {clients, config} = options
  return {
    async check(): Promise<StageCheck> {
      // With no pass recorded there is nothing to compare: the seed's marker (an SSM command) is read only when one is.
      const lastPass = await clients.ssm().then((ssm) => readLastPass(ssm, config.site))
      if (!lastPass) return {done: false, why: 'no passing run yet'}
      const current = await marker()
      if (lastPass.marker.value !== current) return {done: false, why: `the last pass was at marker ${short(lastPass.marker.value)}`}
      return {detail: `run ${lastPass.runId} passed at the seed's current marker ${short(current)}`, done: true}
    },
    id: 'test',
    async run() {
      const result = await runStaging({...options})
      const passed = result.checks.filter((check) => check.status === 'pass').length
      if (exitCodeOf(result) !== ExitCode.Success) {
        throw new HactlError(result.result === 'pass' ? 'staging-not-recorded' : 'staging-failed', result.result === 'pass' ? 'The staging tests passed but the run was not recorded, so a bake would not trust it.' : `Staging checks failed: ${result.failed.join(', ')}.`, {
          exitCode: ExitCode.ChecksFailed,
          suggestions: ['`hactl test history` shows the run; fix what the failing checks say on the seed (`hactl seed exec`), then run `hactl up` again.'],
        })
      }

      return `run ${result.runId}: ${passed} of ${result.checks.length} checks passed at marker ${short(result.marker.value)}`
    },
    title: 'Staging tests',
  }
}

export function bakeStage(options: UpOptions, marker: () => Promise<string>): Stage {
  const {clients, config} = options
  return {
    async check(): Promise<StageCheck> {
      const ssm = await clients.ssm()
      const latest = await ssm.getParameter(latestBakeParameterName(config.site))
      const record = latest ? parseBakeRecord(latest.value) : undefined
      if (!record) return {done: false, why: 'no bake yet'}
      const current = await marker()
      if (record.marker !== current) return {done: false, why: `the latest bake is of marker ${short(record.marker)}`}
      const [image] = await (await clients.ec2()).describeImages({imageIds: [record.imageId]})
      if (image?.State !== 'available') return {done: false, why: `${record.imageId} is ${image?.State ?? 'gone'}`}
      return {detail: `${record.imageId} is a bake of the seed's current code (${short(current)})`, done: true}
    },
    id: 'bake',
    async run() {
      const result = await bake({...options})
      await notifyBake(options, result)
      return `${result.imageId} ${result.created ? 'baked' : 'found'} from ${result.seedInstance} at marker ${short(result.marker)}`
    },
    title: 'Bake',
  }
}

export function rolloutStage(options: UpOptions): Stage {
  const {clients, config} = options
  return {
    async check(): Promise<StageCheck> {
      const roles = await readImageRoles({clients, region: config.region, site: config.site})
      if (roles.latest === undefined) return {done: false, why: 'no bake to roll out'}
      if (roles.live !== roles.latest) return {done: false, why: `the environment runs ${roles.live ?? "the platform's AMI"}`}
      return {detail: `the environment runs the latest bake ${roles.latest}`, done: true}
    },
    id: 'rollout',
    async run() {
      const result = await withRolloutNotifications(options, 'rollout', (onStarted) => rollout({...options, onStarted}))
      return `${result.imageId} on ${result.instances.length} instance(s), never fewer than ${result.lowestHealthy ?? '-'} healthy, in ${Math.round(result.seconds / 60)} min`
    },
    title: 'Roll out',
  }
}

export async function up(options: UpOptions): Promise<UpResult> {
  const {clients} = options
  const startedAt = clients.clock.now()
  const marker = seedMarkerOnce(options)
  const stages = [envStage(options), seedStage(options), testStage(options, marker), bakeStage(options, marker), rolloutStage(options)]
  const result = await runStages({calls: () => clients.calls(), clock: clients.clock, reporter: options.reporter, signal: options.signal, stages})
  const total = result.stages.reduce((sum, stage) => sum + stage.awsCalls.total, 0)
  const mutations = result.stages.reduce((sum, stage) => sum + stage.awsCalls.mutations, 0)
  const commands = result.stages.reduce((sum, stage) => sum + stage.awsCalls.commands, 0)
  const summary: UpResult = {
    awsCalls: {commands, mutations, total},
    elapsedMs: clients.clock.now() - startedAt,
    nothingToDo: result.stages.every((stage) => stage.outcome === 'skipped'),
    site: options.config.site,
    stages: result.stages,
  }
  if (result.error) throw withStages(result.error, summary, options.signal.aborted)
  return summary
}

/**
 * A failed `up` still says what each stage did: under --json the error's data
 * carries the summary. Ctrl-C keeps only the message (exit 130), so there it
 * also names the stage it stopped in and what was done before it.
 */
function withStages(error: Error, summary: UpResult, interrupted: boolean): Error {
  const stage = summary.stages.find((outcome) => outcome.outcome === 'failed') ?? summary.stages.find((outcome) => outcome.outcome === 'not-run')
  if (interrupted && stage) {
    const done = summary.stages.filter((outcome) => outcome.outcome === 'done' || outcome.outcome === 'skipped').map((outcome) => outcome.id)
    const position = summary.stages.indexOf(stage) + 1
    error.message = `Interrupted in the ${stage.id} stage (${position} of ${summary.stages.length}${done.length > 0 ? `; ${done.join(', ')} done` : ''}); \`hactl up\` goes on from there. ${error.message}`
  }

  if (!HactlError.isHactlError(error)) return error
  ;(error as {data?: Record<string, unknown>}).data = {...error.data, up: {...summary, failedStage: stage?.id}}
  return error.withSuggestions('Run `hactl up` again once it is fixed: the stages already done are passed over.')
}
