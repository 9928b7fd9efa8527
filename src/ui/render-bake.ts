/** Human rendering of `hactl bake`. */
import type {BakeResult} from '../bake/bake'

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`
}

export function renderBake(result: BakeResult): string {
  const first = result.created
    ? `Baked ${result.imageId} (${result.name}) from the seed ${result.seedInstance} of ${result.site}.`
    : `${result.imageId} (${result.name}) is already the bake of the seed ${result.seedInstance} at this marker; no second image was made.`
  const lines = [
    first,
    row('marker', result.marker),
    row('tested by', result.forced ? 'nothing: baked with --force (tagged hactl:forced=true)' : `staging run ${result.stagingRun}`),
    row('app', result.appVersion || '?'),
    row('from', `${result.sourceImage}, ${result.platformArn}`),
    row('snapshots', result.snapshots.join(', ') || 'none'),
    row('seed', result.created ? (result.rebooted ? 'rebooted for the image; cron resumed' : 'not rebooted (crash-consistent image); cron resumed') : 'untouched'),
    '',
    'Next: `hactl rollout` puts it into the environment; `hactl images list` shows every bake.',
  ]
  return lines.join('\n')
}
