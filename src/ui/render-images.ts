/** Human rendering of `hactl images list / prune`. */
import type {ImagesListResult, PruneResult} from '../bake/images-list'
import {age} from './render-seed'

export function renderImagesList(result: ImagesListResult): string {
  if (result.images.length === 0) return `Site ${result.site} has no bakes yet. \`hactl bake\` makes one.`
  const lines = result.images.map((image) => {
    const flags = [image.forced ? 'forced' : '', image.seedSource ? 'seed source' : ''].filter(Boolean).join(', ')
    const tested = image.forced ? 'untested' : `run ${image.stagingRun}`
    return `  ${image.imageId}  ${image.status.padEnd(8)} ${age(image.ageSeconds).padEnd(12)} ${String(image.sizeGiB).padStart(3)} GiB  ${image.marker.slice(0, 19)}  ${tested}  from ${image.sourceImage}${flags ? `  (${flags})` : ''}`
  })
  return [`Bakes of ${result.site}, newest first (live ${result.live ?? 'none'}, rollback target ${result.rollbackTarget ?? 'none'}):`, ...lines].join('\n')
}

export function renderImagesPrune(result: PruneResult): string {
  const verb = result.dryRun ? 'Would remove' : 'Removed'
  const lines = [
    result.removed.length === 0 ? `Nothing to prune for ${result.site} (keeping the ${result.keep} newest).` : `${verb} ${result.removed.length} bake(s) of ${result.site}:`,
    ...result.removed.map((image) => `  ${image.imageId} ${image.name} (${image.state}); snapshots ${image.snapshots.join(', ') || 'none'}`),
    'Kept:',
    ...result.kept.map((image) => `  ${image.imageId} ${image.name}: ${image.reasons.join(', ')}`),
  ]
  if (result.orphanSnapshots.length > 0) lines.push(`${result.dryRun ? 'Would delete' : 'Deleted'} snapshots left by earlier removals: ${result.orphanSnapshots.join(', ')}`)
  if (result.dryRun) lines.push('', 'Nothing was changed (--dry-run).')
  return lines.join('\n')
}
