/** Human rendering of `hactl rollout` and `hactl rollback`. */
import type {RolloutResult} from '../bake/rollout'

function row(label: string, value: string): string {
  return `  ${label.padEnd(14)} ${value}`
}

export function renderRollout(result: RolloutResult): string {
  if (result.outcome === 'already-live') {
    return `${result.imageId} is live already on ${result.environment} (${result.instances.length} instance(s)); nothing changed.`
  }

  const batches = result.batches.map((batch, index) => row(`batch ${index + 1}`, `${batch.instances.join(', ')}: ${batch.seconds === null ? 'not healthy' : `healthy in ${batch.seconds} s`}`))
  return [
    `Rolled out ${result.imageId} to ${result.environment} in ${result.seconds} s (${result.policy}).`,
    row('instances', `${result.instances.length}, all on ${result.imageId}`),
    row('lowest healthy', `${result.lowestHealthy ?? '?'} in service (minSize ${result.minSize})`),
    row('previous', `${result.previousImageId} (\`hactl rollback\` goes back to it)`),
    ...batches,
  ].join('\n')
}
