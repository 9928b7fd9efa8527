/** Human rendering of `hactl status`. */
import type {DriftReport} from '../doctor/drift-facts'
import type {BakeStatus, LiveImage, PlatformStatus, RolloutStatus, SeedSummary, StagingRunStatus, StatusEnvironment, StatusResult, TestsStatus} from '../status/status'
import {age} from './render-seed'

function row(label: string, value: string): string {
  return `  ${label.padEnd(10)} ${value}`
}

/** `sha256:1a2b3c4d5e6f…`: enough to tell two markers apart on a screen (--json has the whole value). */
function shortMarker(marker: string | undefined): string {
  if (!marker) return '?'
  return marker.length > 19 ? `${marker.slice(0, 19)}…` : marker
}

const ago = (seconds: number | null | undefined): string => (seconds === null || seconds === undefined ? 'at an unknown time' : `${age(seconds)} ago`)

/** `…/platform/PHP 8.3 running on 64bit Amazon Linux 2023/4.7.1` → `4.7.1`. */
const versionOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)

export function renderStatus(status: StatusResult): string {
  const {identity} = status
  const where = identity.sandbox ? 'sandbox (simulated region; nothing here is real)' : identity.endpoint ? `endpoint ${identity.endpoint}` : 'AWS'
  const lines = [
    'Identity',
    row('account', identity.account),
    row('principal', identity.arn),
    row('region', identity.region),
    row('target', where),
    '',
    'Config',
  ]
  if (status.config) {
    lines.push(row('file', status.config.path), row('site', `${status.config.site} (${status.config.app})`))
    if (status.config.region !== identity.region) lines.push(row('note', `hactl.yml says ${status.config.region}; --region overrides it`))
  } else {
    lines.push(row('file', 'none found — run `hactl init` to write hactl.yml'))
  }

  lines.push('', 'Lock', ...lockRows(status.lock))
  if (!status.config) return lines.join('\n')

  lines.push('', 'Environment', ...environmentRows(status.environment))
  if (!status.environment) return lines.join('\n')
  lines.push('', 'Live AMI', ...liveImageRows(status.liveImage), ...platformRows(status.platform))
  if (status.seed) lines.push('', 'Seed', ...seedRows(status.seed))
  if (status.tests) lines.push('', 'Tests', ...testRows(status.tests))
  if (status.schedule) {
    const {expression, name, state, targetsCurrentSeed, timezone} = status.schedule
    const detail = state === 'missing' ? 'none (`hactl test schedule` makes one)' : `${state} ${expression ?? ''} ${timezone ?? ''}`.trim() + (targetsCurrentSeed === false ? ', but it targets a seed that is gone: run `hactl test schedule` again' : '')
    lines.push(row('schedule', `${name}: ${detail}`))
  }
  lines.push('', 'Drift', ...driftRows(status.drift))
  lines.push('', 'Bake', ...bakeRows(status.bake), ...rolloutRows(status.rollout))
  for (const [name, why] of Object.entries(status.unreadable ?? {})) lines.push(row('unreadable', `${name}: ${why}`))
  if (status.pointers) lines.push('', 'Pointers', ...pointerRows(status.pointers))
  return lines.join('\n')
}

function lockRows(lock: StatusResult['lock']): string[] {
  if (!lock) return [row('state', 'unknown (no site configured)')]
  if (lock.held && lock.freeze !== undefined) {
    // A deploy freeze (`hactl lock acquire`): never stale; it holds until `hactl lock release`.
    return [row('state', `FROZEN: "${lock.freeze}" (until \`hactl lock release\`)`), row('holder', lock.holder ?? '?'), row('since', lock.since ?? '?')]
  }

  if (lock.held) {
    return [
      row('state', lock.stale ? 'held, STALE (may be broken with --break-lock)' : 'held'),
      row('holder', lock.holder ?? '?'),
      row('since', lock.since ?? '?'),
      row('operation', lock.operation ?? '?'),
    ]
  }

  return [row('state', 'free')]
}

function environmentRows(environment: StatusEnvironment | undefined): string[] {
  if (!environment) return [row('state', 'not read: nothing under /hactl/<site>/ says the site was made (`hactl env create` makes it)')]
  if (!environment.exists) return [row('name', environment.name), row('state', 'does not exist (`hactl env create` makes it)')]
  const rows = [
    row('name', environment.name),
    row('status', environment.status ?? '?'),
    row('health', [environment.health, environment.healthStatus].filter(Boolean).join(' / ') || '?'),
  ]
  const counts = Object.entries(environment.instances ?? {})
  if (counts.length > 0) rows.push(row('instances', counts.map(([state, count]) => `${count} ${state}`).join(', ')))
  for (const cause of environment.causes ?? []) rows.push(row('cause', cause))
  if (environment.versionLabel) rows.push(row('version', environment.versionLabel))
  if (environment.cname) rows.push(row('url', `http://${environment.cname}`))
  return rows
}

const KIND: Record<LiveImage['kind'], string> = {
  bake: 'a bake of this site',
  other: 'neither a bake of this site nor the platform\'s base AMI',
  platform: 'the platform\'s base AMI (not baked yet)',
}

function liveImageRows(live: LiveImage | null | undefined): string[] {
  if (!live) return [row('image', 'none (no environment)')]
  const when = live.exists ? `made ${ago(live.ageSeconds)}` : 'DEREGISTERED: instances cannot be replaced'
  const rows = [row('image', `${live.imageId}, ${KIND[live.kind]}, ${when}`)]
  if (live.kind === 'bake') rows.push(row('marker', shortMarker(live.marker)))
  return rows
}

function platformRows(platform: PlatformStatus | undefined): string[] {
  if (!platform) return []
  if (!platform.latest) return [row('platform', `no Ready version of "${platform.branch}" in this region (check hactl.yml)`)]
  const on = platform.basedOn ? versionOf(platform.basedOn) : '?'
  if (!platform.newer) return [row('platform', `${on}, the newest of ${platform.branch}`)]
  const advice = platform.rebase ? ': rebase the bake (seed from the new base AMI, test, bake, rollout)' : ''
  return [row('platform', `${on}; ${platform.latest.version} is out on ${platform.branch}${advice}`)]
}

function seedRows(seed: SeedSummary): string[] {
  if (!seed.instanceId) return [row('state', 'no seed (`hactl seed create` launches one)')]
  const rows = [
    row('instance', `${seed.instanceId} ${seed.state}`),
    row('boot', seed.boot ?? 'not reported yet'),
    row('agent', seed.agent),
    row('cron', seed.cron ? `last ran ${ago(seed.cron.ageSeconds)}, exit ${seed.cron.exit}` : 'no heartbeat yet'),
  ]
  if (seed.extraSeeds.length > 0) rows.push(row('EXTRA', `${seed.extraSeeds.join(', ')} (one seed per site: \`hactl doctor\`)`))
  return rows
}

function runLine(run: StagingRunStatus | null, none: string): string {
  if (!run) return none
  const failed = run.failed.length > 0 ? ` (failed: ${run.failed.join(', ')})` : ''
  const how = [run.trigger, run.selection === 'partial' ? 'partial' : undefined].filter(Boolean).join(', ')
  return `${run.result}${failed} ${ago(run.ageSeconds)}${how ? ` (${how})` : ''}, marker ${shortMarker(run.marker)}`
}

function testRows(tests: TestsStatus): string[] {
  const rows = [row('last', runLine(tests.last, 'no run yet (`hactl test run`)')), row('last pass', runLine(tests.lastPass, 'none yet'))]
  const marker = tests.seedMarker
  if (!marker) {
    rows.push(row('seed', 'changed since? not asked (`hactl status --marker` asks the seed)'))
  } else if ('error' in marker) {
    rows.push(row('seed', `marker not read: ${marker.error}`))
  } else {
    const since = (changed: boolean | null, what: string) => (changed === null ? `no ${what} to compare` : changed ? `CHANGED since the ${what}` : `unchanged since the ${what}`)
    rows.push(row('seed', `${shortMarker(marker.value)}: ${since(tests.changedSinceLast, 'last run')}, ${since(tests.changedSinceLastPass, 'last pass')}`))
  }

  return rows
}

function driftRows(drift: DriftReport | undefined): string[] {
  if (!drift) return [row('state', 'not asked (`hactl status --drift` asks the web nodes and the seed)')]
  const {seed, web} = drift
  const skipped = web.skipped.map((node) => `${node.instanceId} not checked: ${node.why}`)
  let webLine: string
  if (web.state === 'not-checked') webLine = `not checked: ${web.why ?? skipped.join('; ')}`
  else if (web.state === 'in-step') webLine = `${web.inStep.length} in step with the live ${web.liveImageId}`
  else webLine = `DRIFTED: ${web.drifted.map((node) => node.instanceId).join(', ')} differ from the live ${web.liveImageId} (changed on the node; lost at the next scale event)`
  const rows = [row('web', webLine)]
  if (web.state !== 'not-checked') rows.push(...skipped.map((line) => row('', line)))
  const app = (version: string | undefined) => version ?? '?'
  const SEED: Record<typeof seed.state, string> = {
    ahead: `changed since the live bake (code or plugins), same app version ${app(seed.seedAppVersion)}: the next bake takes it`,
    'app-version': `APP VERSION ${app(seed.seedAppVersion)}, the live image has ${app(seed.liveAppVersion)}: bake and roll out (the web nodes may run code older than the schema)`,
    'not-checked': `not checked: ${seed.why ?? 'not asked'}`,
    same: "at the live bake's marker",
  }
  rows.push(row('seed', SEED[seed.state]))
  return rows
}

function bakeRows(bake: BakeStatus | null | undefined): string[] {
  if (!bake) return [row('latest', 'no bake yet (`hactl bake`)')]
  const live = bake.live ? 'live' : 'not live'
  const registered = bake.exists ? '' : ', DEREGISTERED'
  const forced = bake.forced ? ', FORCED (no passing test)' : bake.ofLastPass === false ? ', not of the last passing marker' : ''
  return [row('latest', `${bake.imageId} ${ago(bake.ageSeconds)}, ${live}${registered}${forced}, marker ${shortMarker(bake.marker)}`)]
}

function rolloutRows(rollout: RolloutStatus | null | undefined): string[] {
  if (!rollout) return [row('rollout', 'none yet (`hactl rollout`)')]
  const cause = rollout.cause ? `: ${rollout.cause}` : ''
  const previous = rollout.previous.exists ? `${rollout.previous.imageId} (\`hactl rollback\` goes back to it)` : `${rollout.previous.imageId} (DEREGISTERED: no rollback target)`
  return [row('rollout', `${rollout.imageId} ${rollout.outcome} ${ago(rollout.ageSeconds)}${cause}`), row('previous', previous)]
}

/** Pointers the sections above already show are left out here (--json has them all). */
const SHOWN = /^(tests\/last(-pass)?|bake\/latest|rollout\/last|live-image|seed\/(boot|cron|generation))$/

/** A pointer's value can be a page of JSON: one line each, cut to fit. */
const POINTER_WIDTH = 60

function pointerRows(pointers: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(pointers)
  if (names.length === 0) return [row('state', 'none under /hactl/<site>/ (the site has not been made: `hactl env create`)')]
  return names
    .filter((name) => !SHOWN.test(name))
    .map((name) => {
      const value = pointers[name].replaceAll(/\s+/g, ' ')
      return row(name, value.length > POINTER_WIDTH ? `${value.slice(0, POINTER_WIDTH - 1)}…` : value)
    })
}
