/**
 * `hactl test run`: the staging suite on the seed, now, through SSM Run
 * Command; the runner records the result on AWS itself (record.ts).
 *
 *   seed by tag ─► agent Online ─► SendCommand: staging-run --trigger manual [--only|--skip]
 *     ─► poll ─► stdout: the report (one JSON line) ─► per-check progress ─► [JUnit file]
 *   runner exit 0 pass │ 1 a check failed │ 2 bad ids │ 3 passed, not recorded │ 127 no runner
 *
 * No site lock: the suite only reads the seed (its write probe on the
 * uploads removes what it wrote), so it never conflicts with a bake or a
 * rollout, and a run during a freeze is what an operator asked for. Only
 * scheduled runs skip a frozen site.
 */
import {writeFileSync} from 'node:fs'

import {profileFor} from '../apps'
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config'
import type {Deadline} from '../core/deadline'
import {HactlError, UserError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {execOnSeed, STDOUT_LIMIT} from '../seed/exec'
import {runnerChecks} from './checks'
import {junitXml} from './junit'
import {parseStagingReport, RUNNER_EXIT, type StagingReport} from './record'
import {STAGING_RUNNER, STAGING_STATE_DIR} from './runner'

export interface RunStagingOptions {
  readonly config: Pick<HactlConfig, 'app' | 'site' | 'staging'>
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 'ssm'>
  readonly reporter: Reporter
  readonly deadline: Deadline
  readonly signal?: AbortSignal
  /** Check ids to run (all when empty). */
  readonly only?: readonly string[]
  /** Check ids to leave out. */
  readonly skip?: readonly string[]
  /** Where to write JUnit XML, if anywhere. */
  readonly junitPath?: string
}

export interface StagingRunResult extends StagingReport {
  readonly commandId: string
  /** False when the runner could not record the run on AWS (its exit 3): a bake does not trust it. */
  readonly recorded: boolean
  /** The ids of the checks that failed. */
  readonly failed: readonly string[]
  /** Where the JUnit XML went, when asked for. */
  readonly junit?: string
}

/** The runner's command line; ids are checked against the config first, so they are plain words. */
export function runnerCommand(trigger: 'manual' | 'schedule', options: {only?: readonly string[]; skip?: readonly string[]; notify?: string} = {}): string {
  const words = [STAGING_RUNNER, '--trigger', trigger]
  if (options.only?.length) words.push('--only', options.only.join(','))
  if (options.skip?.length) words.push('--skip', options.skip.join(','))
  if (options.notify) words.push('--notify', options.notify)
  return words.join(' ')
}

/** --only/--skip name checks this site has; a typo is a usage error before anything is sent. */
export function checkSelection(config: RunStagingOptions['config'], only: readonly string[], skip: readonly string[]): void {
  const known = runnerChecks(profileFor(config.app), config.staging).map((check) => check.id)
  const unknown = [...only, ...skip].filter((id) => !known.includes(id))
  if (unknown.length > 0) {
    throw new UserError('unknown-check', `No staging check ${unknown.join(', ')} on this site.`, {
      suggestions: [`The checks are: ${known.join(', ')} (hactl.yml staging.checks and staging.custom).`],
    })
  }

  if (only.length > 0 && only.every((id) => skip.includes(id))) {
    throw new UserError('no-check-selected', '--skip leaves out every check --only names: nothing would run.', {suggestions: ['Name at least one check in --only that --skip does not.']})
  }
}

function noReport(exitCode: number, stdout: string, stderr: string, instanceId: string): HactlError {
  const said = stderr.trim().split('\n').slice(-3).join(' / ')
  if (exitCode === RUNNER_EXIT.usage) return new UserError('staging-usage', `The seed's runner refused the arguments: ${said}`, {suggestions: ['The seed runs the checks hactl.yml had when it was created: `hactl seed create` on a new seed picks up a changed list.']})
  if (exitCode === 127) {
    return new HactlError('no-staging-runner', `The seed ${instanceId} has no staging runner (${STAGING_RUNNER}).`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Seeds launched before hactl installed the runner lack it: `hactl seed destroy` and `hactl seed create` launch one that has it.'],
    })
  }

  const cut = stdout.length >= STDOUT_LIMIT ? ` SSM kept only the first ${STDOUT_LIMIT.toLocaleString('en')} characters of its output; the whole report is on the seed in ${STAGING_STATE_DIR}/last.json.` : ''
  return new HactlError('staging-no-report', `The staging runner on ${instanceId} exited ${exitCode} without a report.${cut}${said ? ` It said: ${said}` : ''}`, {
    suggestions: [`\`hactl seed exec -- cat ${STAGING_STATE_DIR}/last.json\` shows the last report; \`hactl seed exec -- ${STAGING_RUNNER} --no-record\` runs it by hand.`],
  })
}

export async function runStaging(options: RunStagingOptions): Promise<StagingRunResult> {
  const {config, reporter} = options
  const only = options.only ?? []
  const skip = options.skip ?? []
  checkSelection(config, only, skip)
  const line = runnerCommand('manual', {only, skip})
  const run = await execOnSeed({
    argv: [line],
    clients: options.clients,
    comment: 'hactl test run',
    deadline: options.deadline,
    reporter,
    signal: options.signal,
    site: config.site,
  })

  let report: StagingReport
  try {
    report = parseStagingReport(run.stdout) as StagingReport
  } catch {
    throw noReport(run.exitCode, run.stdout, run.stderr, run.instanceId)
  }

  for (const check of report.checks) {
    reporter.emit({detail: `${check.status} in ${check.ms} ms: ${check.message}`, id: `test/${check.id}`, state: check.status === 'skip' ? 'skip' : 'done', title: check.id, type: 'step'})
  }

  const recorded = run.exitCode !== RUNNER_EXIT.notRecorded
  if (!recorded) reporter.emit({message: `The run passed but the seed could not record it in SSM (/hactl/${config.site}/tests/last): a bake will not count it. The runner's log says why: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`, type: 'warning'})
  let junit: string | undefined
  if (options.junitPath) {
    writeFileSync(options.junitPath, junitXml(report))
    junit = options.junitPath
  }

  return {
    ...report,
    commandId: run.commandId,
    failed: report.checks.filter((check) => check.status === 'fail').map((check) => check.id),
    ...(junit === undefined ? {} : {junit}),
    recorded,
  }
}

/** The exit code of a finished run: 0 only for a recorded pass; a failed check, or a pass nobody can rely on, is 9. */
export function exitCodeOf(result: Pick<StagingRunResult, 'recorded' | 'result'>): ExitCode {
  return result.result === 'pass' && result.recorded ? ExitCode.Success : ExitCode.ChecksFailed
}
