import {createHash} from 'node:crypto'

import {DURATIONS} from '../durations'
import type {AdvanceContext, OperationContext, RegionState} from '../types'
import type {InstanceRecord} from './ec2-model'
import {writeStringParameter, type SeedRecord, type SiteSchema, type SsmState} from './ssm-model'
import {seedScriptText} from './ssm-seed'
import type {ShellResult} from './ssm-shell'

/*
 * The staging runner on a simulated seed (src/staging/runner.ts on EC2). The
 * sandbox never runs it; it answers what the runner would print:
 *
 *   /usr/local/libexec/hactl/staging-run --marker [--versions]
 *     ─► one line of ChangeMarker JSON with codeSchema (and dbSchema with
 *        --versions), exit 0 (a seed whose boot has not reported has no
 *        runner yet: exit 127, "No such file or directory")
 *   /usr/local/libexec/hactl/staging-run --versions
 *     ─► {"codeSchema","dbSchema","appVersion"}, exit 0
 *   /usr/local/libexec/hactl/staging-run [--trigger manual|schedule] [--only ID,..] [--skip ID,..] [--no-record] [--notify ARN]
 *     ─► the report (one JSON line) of the checks the seed's own runner has
 *        (its ALL_CHECKS line in the user data), every one passing in a
 *        plausible time unless the fault check-failed:ssm:SendCommand makes
 *        the first selected one fail; exit 0 pass, 1 fail, 2 unknown id.
 *        Recording (tests/last, and last-pass for a full pass) happens when
 *        the invocation ends, in the advance phase (advanceStagingRecords),
 *        as the real runner writes at its end. A scheduled run on a frozen
 *        site (a manual lock) records a skip instead.
 *
 * The marker stands for the seed's code: it is derived from the instance and
 * its change counter (ssm.md "The seed's change counter"), so any command
 * sent to the seed since changes it, and a runner command itself (read-only)
 * does not count as a change. The sandbox imports no product code: the path
 * is written out again; test/src/sandbox/ssm-staging.test.ts checks it
 * against src/staging/runner.ts.
 */

export const STAGING_RUNNER_PATH = '/usr/local/libexec/hactl/staging-run'

/** The script's meaningful lines (no blanks, no comments). */
function lines(commands: readonly string[]): string[] {
  return commands
    .flatMap((command) => command.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/** True when every line of the script runs the staging runner (a read-only command: not a change). */
export function isRunnerScript(commands: readonly string[]): boolean {
  const all = lines(commands)
  return all.length > 0 && all.every((line) => line === STAGING_RUNNER_PATH || line.startsWith(`${STAGING_RUNNER_PATH} `))
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** The simulated seed's change marker: a function of the instance and how many changes it has had; the code's schema when known. */
export function seedMarker(instance: InstanceRecord, seed: SeedRecord | undefined, schema?: SiteSchema): {value: string; code: string; plugins: string; appVersion: string; php: string; codeSchema?: string} {
  const changes = seed?.changes ?? 0
  const code = sha(`${instance.id} code ${changes}`)
  const plugins = sha(`${instance.id} plugins`)
  const php = sha(`${instance.id} php -m`)
  // The app's version follows its code schema, so an upgrade on the seed shows as another version (doctor's seed-drift).
  const appVersion = schema ? `sandbox-${schema.code}` : 'sandbox'
  const value = `sha256:${sha(`code ${code}\nplugins ${plugins}\napp ${appVersion}\nphp ${php}\n`)}`
  return {value, code, plugins, appVersion, php, ...(schema ? {codeSchema: schema.code} : {})}
}

// ---- schema versions ----------------------------------------------------------
//
// Per site, the seed's code schema and the shared database's schema (ssm.md
// "Schema versions"). A fresh site has both at the app's first version; a
// command sent to the seed that upgrades the code moves the code's one step
// on, one that runs the database upgrade brings the database up to the code.

/** Each app's schema versions, oldest first: a fresh site is at the first; beyond the last, upgrades add STEP. */
const SCHEMA_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  wordpress: ['57155', '58975', '60421'],
  moodle: ['2024100700.00', '2025041400.00', '2025100600.00'],
}

function nextSchema(app: string, current: string): string {
  const known = SCHEMA_VERSIONS[app] ?? SCHEMA_VERSIONS.wordpress
  const index = known.indexOf(current)
  if (index >= 0 && index + 1 < known.length) return known[index + 1]
  const [whole, fraction] = current.split('.')
  return fraction === undefined ? String(Number(whole) + 1000) : `${Number(whole) + 100}.${fraction}`
}

function appOf(region: RegionState, instance: InstanceRecord): string {
  return runnerConstant(seedScriptText(region, instance) ?? '', 'APP') ?? 'wordpress'
}

/** The site's schema versions, created at the app's first version on first use. */
export function siteSchema(state: SsmState, site: string, app: string): SiteSchema {
  state.schemas ??= {}
  const first = (SCHEMA_VERSIONS[app] ?? SCHEMA_VERSIONS.wordpress)[0]
  return (state.schemas[site] ??= {code: first, db: first})
}

/**
 * What a command sent to the seed does to the schemas: WordPress `wp core
 * update` (not `update-db`) moves the code on, `wp core update-db` brings the
 * database up to it (both, in that order, in one command: both move); Moodle
 * `git pull` / `git checkout` move the code, `admin/cli/upgrade.php` the
 * database. Returns true when anything moved.
 */
export function upgradeSchemas(state: SsmState, region: RegionState, instance: InstanceRecord, site: string, commands: readonly string[]): boolean {
  const app = appOf(region, instance)
  const schema = siteSchema(state, site, app)
  const text = commands.join('\n')
  const before = `${schema.code} ${schema.db}`
  const codeUpgrade = app === 'moodle' ? /\bgit\s+(pull|checkout)\b/ : /\bcore\s+update\b(?!-db)/
  const dbUpgrade = app === 'moodle' ? /admin\/cli\/upgrade\.php/ : /\bupdate-db\b/
  if (codeUpgrade.test(text)) schema.code = nextSchema(app, schema.code)
  if (dbUpgrade.test(text)) schema.db = schema.code
  return before !== `${schema.code} ${schema.db}`
}

// ---- the suite ----------------------------------------------------------------

/** A runner invocation's result, with what the runner records when it ends (kept in the state with the invocation). */
export interface RunnerResult extends ShellResult {
  readonly records?: {readonly site: string; readonly last: string; readonly lastPass?: string}
  /** Set by the advance phase once the records are written. */
  recorded?: boolean
}

/** Report format version and the runner's exit codes, as src/staging/record.ts has them (a test keeps them in step). */
export const SANDBOX_REPORT_VERSION = 1
const EXIT = {pass: 0, fail: 1, usage: 2} as const
/** What an SSM parameter holds (record.ts SUMMARY_MAX_CHARS). */
const SUMMARY_MAX = 4096

/** A `readonly NAME='value'` line of the runner inside the user data. */
function runnerConstant(script: string, name: string): string | undefined {
  const match = new RegExp(`^readonly ${name}=(.*)$`, 'm').exec(script)
  if (!match) return undefined
  const value = match[1]
  return value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value
}

interface RunnerArgs {
  trigger: 'manual' | 'schedule'
  only: string[]
  skip: string[]
  record: boolean
}

function parseArgs(words: readonly string[]): RunnerArgs | string {
  const args: RunnerArgs = {trigger: 'manual', only: [], skip: [], record: true}
  for (let index = 0; index < words.length; index++) {
    const word = words[index]
    const value = words[index + 1]
    if (word === '--no-record') args.record = false
    else if (['--trigger', '--only', '--skip', '--notify'].includes(word) && value !== undefined) {
      index++
      if (word === '--trigger') {
        if (value !== 'manual' && value !== 'schedule') return `--trigger is manual or schedule, not ${value}`
        args.trigger = value
      } else if (word === '--only') args.only = value.split(',').filter(Boolean)
      else if (word === '--skip') args.skip = value.split(',').filter(Boolean)
    } else return `unknown option ${word}`
  }

  return args
}

/** Plausible milliseconds for a check: HTTP and app checks take longer than a socket probe; varies per run. */
function checkMs(id: string, salt: string): number {
  const spread = Number.parseInt(sha(`${id} ${salt}`).slice(0, 4), 16) % 200
  if (id.startsWith('http')) return 120 + spread
  if (/cron|secrets|checksums|manifest|tables|schema|checks/.test(id)) return 600 + spread * 4
  return 40 + spread / 4
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

function isFrozen(state: SsmState, site: string): boolean {
  const lock = state.parameters[`/hactl/${site}/lock`]?.value ?? ''
  return lock.includes('"kind":"manual"')
}

/** The summary the runner records: failure messages only, cut until it fits (staging-probe.php summary). */
function summaryOf(report: Record<string, unknown> & {checks: Array<{id: string; status: string; ms: number; message: string}>}): string {
  for (const keep of [300, 120, 40, 0]) {
    const checks = report.checks.map((check) => ({id: check.id, status: check.status, ms: check.ms, ...(check.status === 'fail' && keep > 0 ? {message: check.message.slice(0, keep)} : {})}))
    const json = JSON.stringify({...report, checks})
    if (json.length <= SUMMARY_MAX) return json
  }

  return JSON.stringify({...report, checks: []})
}

/** A suite run on the seed (see the header). */
function simulateSuite(words: readonly string[], instance: InstanceRecord, seed: SeedRecord, context: {state: SsmState; operation: OperationContext; region: RegionState}): RunnerResult {
  const script = seedScriptText(context.region, instance) ?? ''
  const all = runnerConstant(script, 'ALL_CHECKS')?.split(/\s+/).filter(Boolean)
  if (all === undefined) return {exit: 127, stdout: '', stderr: `sh: ${STAGING_RUNNER_PATH}: No such file or directory\n`, seconds: 0, timedOut: false}
  const usage = (message: string): RunnerResult => ({
    exit: EXIT.usage,
    stdout: '',
    stderr: `hactl-staging: ${message}\nhactl-staging: checks: ${all.join(' ')}\n`,
    seconds: 0,
    timedOut: false,
  })
  const args = parseArgs(words)
  if (typeof args === 'string') return usage(args)
  const unknown = [...args.only, ...args.skip].find((id) => !all.includes(id))
  if (unknown !== undefined) return usage(`no check ${unknown}`)

  const {operation, state} = context
  const site = seed.site
  const started = operation.now + DURATIONS.ssmCommandDelivery
  const runId = `${stamp(started).replaceAll(/[-:]/g, '')}-${sha(`${instance.id} ${operation.now}`).slice(0, 8)}`
  const base = {version: SANDBOX_REPORT_VERSION, runId, site, app: runnerConstant(script, 'APP') ?? 'unknown', instance: instance.id, trigger: args.trigger}
  if (args.trigger === 'schedule' && isFrozen(state, site)) {
    const skipped = {...base, started: stamp(started), finished: stamp(started), marker: {}, selection: 'all', checks: [], result: 'skip', skipped: 'frozen'}
    const line = JSON.stringify(skipped)
    return {exit: EXIT.pass, stdout: `${line}\n`, stderr: 'hactl-staging: scheduled run skipped: frozen\n', seconds: 1, timedOut: false, records: args.record ? {site, last: line} : undefined}
  }

  const selected = all.filter((id) => (args.only.length === 0 || args.only.includes(id)) && !args.skip.includes(id))
  const failing = operation.takeFault('check-failed') ? selected[0] : undefined
  const checks = selected.map((id) => {
    const ms = Math.round(checkMs(id, runId))
    return id === failing
      ? {id, status: 'fail', ms, message: 'sandbox fault check-failed: this check was made to fail'}
      : {id, status: 'pass', ms, message: `${id}: ok (sandbox)`}
  })
  // The marker takes a couple of seconds (hashing the code), then the checks one after another.
  const seconds = Math.ceil(2 + checks.reduce((sum, check) => sum + check.ms, 0) / 1000)
  const result = checks.some((check) => check.status === 'fail') || checks.length === 0 ? 'fail' : 'pass'
  const selection = selected.length === all.length ? 'all' : 'partial'
  const marker = seedMarker(instance, seed, siteSchema(state, site, base.app))
  const report = {...base, started: stamp(started), finished: stamp(started + seconds * 1000), marker, selection, checks, result}
  const line = JSON.stringify(report)
  const summary = summaryOf(report)
  const log = checks.map((check) => `hactl-staging: ${check.id} ${check.status} (${check.ms} ms) ${check.message}\n`).join('')
  return {
    exit: result === 'pass' ? EXIT.pass : EXIT.fail,
    stdout: `${line}\n`,
    stderr: args.record ? `${log}hactl-staging: recorded run ${runId} in SSM /hactl/${site}/tests/last\n` : log,
    seconds,
    timedOut: false,
    records: args.record ? {site, last: summary, lastPass: result === 'pass' && selection === 'all' ? summary : undefined} : undefined,
  }
}

/**
 * What the runner prints on this seed, or undefined when the script is not a
 * runner invocation the sandbox models (ssm-shell.ts then answers it).
 */
export function simulateRunner(
  commands: readonly string[],
  instance: InstanceRecord,
  seed: SeedRecord | undefined,
  context?: {readonly state: SsmState; readonly operation: OperationContext; readonly region: RegionState},
): RunnerResult | undefined {
  const all = lines(commands)
  if (all.length !== 1) return undefined
  const words = all[0].split(/\s+/)
  if (words[0] !== STAGING_RUNNER_PATH) return undefined
  if (seed?.bootReportedAt === undefined) {
    return {exit: 127, stdout: '', stderr: `sh: ${STAGING_RUNNER_PATH}: No such file or directory\n`, seconds: 0, timedOut: false}
  }
  if (context === undefined) return undefined
  const options = new Set(words.slice(1))
  if ((options.has('--marker') || options.has('--versions')) && options.size === words.length - 1 && [...options].every((word) => word === '--marker' || word === '--versions')) {
    const schema = siteSchema(context.state, seed.site, appOf(context.region, instance))
    const marker = seedMarker(instance, seed, schema)
    const line = options.has('--marker') ? {...marker, ...(options.has('--versions') ? {dbSchema: schema.db} : {})} : {codeSchema: schema.code, dbSchema: schema.db, appVersion: marker.appVersion}
    return {exit: 0, stdout: `${JSON.stringify(line)}\n`, stderr: '', seconds: 2, timedOut: false}
  }
  return simulateSuite(words.slice(1), instance, seed, context)
}

/** Writes what finished runner invocations record, at their end (the advance phase, after Run Command's). */
export function advanceStagingRecords(region: RegionState, _context: AdvanceContext): boolean {
  let changed = false
  const state = region.ssm
  for (const command of state?.commands ?? []) {
    for (const invocation of command.invocations) {
      const result = invocation.result as RunnerResult
      const {finished} = invocation
      if (!state || !result.records || result.recorded || !finished) continue
      result.recorded = true
      changed = true
      // A run cut short (the instance went away, a timeout) records nothing.
      if (finished.responseCode < 0) continue
      writeStringParameter(state, `/hactl/${result.records.site}/tests/last`, result.records.last, finished.at)
      if (result.records.lastPass) writeStringParameter(state, `/hactl/${result.records.site}/tests/last-pass`, result.records.lastPass, finished.at)
    }
  }

  return changed
}
