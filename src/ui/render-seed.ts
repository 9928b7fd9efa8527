/** Human rendering of `hactl seed create / status / destroy / tunnel`. */
import type {CreateSeedResult} from '../seed/create'
import type {DestroySeedResult} from '../seed/destroy'
import type {SeedStatusResult} from '../seed/status'
import type {TunnelPlan} from '../seed/tunnel'

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`
}

/** 95 → "1 min 35 s", 7300 → "2 h 1 min". */
export function age(seconds: number | null): string {
  if (seconds === null) return '?'
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`
}

export function renderSeedCreate(result: CreateSeedResult): string {
  const first = result.launched ? `Seed ${result.instanceId} of ${result.site} is up.` : `Seed ${result.instanceId} of ${result.site} was already there; it is up.`
  const image = result.imageSource === 'existing' ? result.imageId : `${result.imageId} (${result.imageSource === 'live-bake' ? 'the live bake' : 'the platform\'s base AMI'})`
  return [
    first,
    row('instance', `${result.instanceId} ${result.instanceType} ${result.state}`),
    row('image', image),
    row('SSM agent', result.agent),
    row('boot', `${result.boot.status}, code ${result.boot.version || '?'}`),
    '',
    'Next: `hactl seed status`, `hactl seed exec -- CMD`, `hactl seed tunnel` to open its site.',
  ].join('\n')
}

export function renderSeedStatus(result: SeedStatusResult): string {
  const {seed} = result
  if (!seed) return `Site ${result.site} has no seed. \`hactl seed create\` launches one.`
  const lines = [
    `Seed of ${result.site}: ${seed.instanceId} ${seed.state}`,
    row('type', seed.instanceType),
    row('image', `${seed.imageId}${seed.imageIsLiveBake ? ' (the live bake)' : ' (not the live bake)'}`),
    row('age', age(seed.ageSeconds)),
    row('boot', result.boot ? `${result.boot.status}${result.boot.reason ? `: ${result.boot.reason}` : ''}` : 'no report yet'),
    row('code', result.codeVersion ?? '?'),
    row('cron', result.cron ? `last run ${age(result.cron.ageSeconds)} ago, exit ${result.cron.exit}, ${result.cron.seconds} s` : 'no heartbeat yet'),
    row('SSM agent', result.ssm.pingStatus),
    row('staging', result.lastStaging ?? 'not tested yet'),
  ]
  if (result.extraSeeds.length > 0) lines.push('', `Warning: more seeds are running: ${result.extraSeeds.join(', ')}. \`hactl seed destroy\` removes them all.`)
  return lines.join('\n')
}

export function renderSeedDestroy(result: DestroySeedResult): string {
  const done = result.terminated.length > 0 ? `Terminated the seed of ${result.site}: ${result.terminated.join(', ')}.` : `Site ${result.site} had no seed; nothing to terminate.`
  return [done, row('kept', result.kept.join(', '))].join('\n')
}

export function renderTunnelPlan(plan: TunnelPlan, options: {sandbox: boolean}): string {
  if (options.sandbox) {
    return [`The sandbox has no instance to connect to; on AWS this runs:`, `  ${plan.commandLine}`, `and the seed's site is then at http://localhost:${plan.localPort}/`].join('\n')
  }

  return `Opening a tunnel to ${plan.instanceId}: http://localhost:${plan.localPort}/ (Ctrl-C closes it)`
}
