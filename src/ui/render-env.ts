/** Human rendering of `hactl env create / status / destroy`. */
import type {HactlConfig} from '../config/schema'
import type {CreateEnvironmentResult} from '../env/create'
import type {DestroyEnvironmentResult} from '../env/destroy'
import {siteNames} from '../site/names'
import {estimateInstances, isAurora} from '../env/spec'
import type {EnvStatusResult} from '../env/status'

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`
}

function minutes(ms: number): string {
  const total = Math.round(ms / 1000)
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`
}

/** What `env create` is about to do, shown before it asks. */
export function renderCreatePreview(config: HactlConfig): string {
  const names = siteNames(config.site)
  const estimate = estimateInstances(config)
  const db = isAurora(config)
    ? `Aurora ${config.database.engine} cluster, ${estimate.database} instance(s) × ${config.database.instanceClass}`
    : `RDS ${config.database.engine} ${config.database.instanceClass}${config.database.multiAz ? ', Multi-AZ' : ''}`
  return [
    `hactl will create, for ${config.site} (${config.app}) in ${config.region}:`,
    row('environment', `${names.environment}: ${config.environment.minSize}–${config.environment.maxSize} × ${config.environment.instanceType} behind an ALB`),
    row('database', db),
    row('cache', `${config.cache.engine} ${estimate.cacheNodes} node(s) × ${config.cache.nodeType}`),
    row('uploads', `EFS (${config.uploads.throughputMode}), mounted at ${config.uploads.path}`),
    row('also', '6 security groups, 2 IAM roles, 1 secret, the application bundle'),
    'These are billed AWS resources. `hactl plan` lists every one of them.',
  ].join('\n')
}

/** "6 security groups, 2 IAM roles, …" in first-seen order (every kind is a noun phrase whose plural takes an s). */
function countByKind(resources: ReadonlyArray<{readonly kind: string}>): string {
  const counts = new Map<string, number>()
  for (const r of resources) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1)
  return [...counts].map(([kind, n]) => `${n} ${kind}${n > 1 ? 's' : ''}`).join(', ')
}

export function renderCreateResult(result: CreateEnvironmentResult): string {
  const created = result.resources.filter((r) => r.action === 'created')
  const found = result.resources.filter((r) => r.action === 'found')
  const updated = result.resources.filter((r) => r.action === 'updated')
  const env = result.environment
  const lines = [
    `Environment ${env.name} is ${env.status} and ${env.health}.`,
    row('URL', env.cname ? `http://${env.cname}/` : env.endpointUrl ?? '(none yet)'),
    row('created', created.length === 0 ? 'nothing (everything existed)' : `${created.length}: ${countByKind(created)}`),
    ...(updated.length > 0 ? [row('updated', updated.map((r) => `${r.kind}: ${r.name}`).join('; '))] : []),
    row('existing', `${found.length}`),
    row('took', `${minutes(result.elapsedMs)}`),
    '',
    'It serves a holding page until the first rollout. Next: `hactl seed create`, then `hactl bake && hactl rollout`.',
  ]
  return lines.join('\n')
}

export function renderEnvStatus(status: EnvStatusResult): string {
  if (status.empty) return `Nothing exists yet for ${status.site}. Run \`hactl plan\`, then \`hactl env create\`.`
  const lines: string[] = []
  const env = status.environment
  lines.push('Environment')
  if (env) {
    lines.push(
      row('name', `${env.name} (${env.id})`),
      row('status', `${env.status}, health ${env.health}${env.healthStatus ? ` (${env.healthStatus})` : ''}`),
      ...env.causes.map((cause) => row('cause', cause)),
      row('URL', env.cname ? `http://${env.cname}/` : '(none)'),
      row('version', env.versionLabel ?? '(none)'),
      row('platform', env.platformArn?.split('/').slice(1).join(' ') ?? '(unknown)'),
    )
  } else {
    lines.push(row('state', 'not created'))
  }

  lines.push('', `Instances (${status.instances.length})`)
  for (const instance of status.instances) {
    lines.push(`  ${instance.id}  ${instance.state.padEnd(8)} ${instance.imageId}  ${instance.instanceType}  ${instance.zone}${instance.imdsv2 ? '' : '  IMDSv1 ALLOWED'}`)
  }

  lines.push('', 'Uploads (EFS)')
  if (status.uploads) {
    const u = status.uploads
    lines.push(
      row('file system', `${u.fileSystemId} ${u.state}${u.encrypted ? ', encrypted' : ', NOT ENCRYPTED'}`),
      row('endpoint', u.dnsName),
      row('mounts', u.mountTargets.map((t) => `${t.zone} ${t.state}`).join(', ') || 'none'),
      row('access point', u.accessPointId ?? 'none'),
    )
  } else {
    lines.push(row('state', 'not created'))
  }

  lines.push('', 'Database')
  if (status.database) {
    const d = status.database
    lines.push(
      row('id', `${d.id} (${d.engine}) ${d.status}${d.multiAz ? ', Multi-AZ' : ''}${d.encrypted ? ', encrypted' : ', NOT ENCRYPTED'}`),
      row('endpoint', d.endpoint ? `${d.endpoint}:${d.port ?? ''}` : '(not yet)'),
      ...(d.readerEndpoint ? [row('reader', d.readerEndpoint)] : []),
      row('secret', d.secretArn ?? '(none)'),
    )
  } else {
    lines.push(row('state', 'not created'))
  }

  lines.push('', 'Cache')
  if (status.cache) {
    const c = status.cache
    const encryption = [c.encryptedAtRest ? 'at rest' : '', c.encryptedInTransit ? 'in transit' : ''].filter(Boolean).join(' and ')
    lines.push(
      row('id', `${c.id} (${c.engine}) ${c.status}, encrypted ${encryption || 'NOT AT ALL'}`),
      row('endpoint', c.endpoint ? `${c.endpoint}:${c.port ?? ''}` : '(not yet)'),
      ...(c.secretArn ? [row('secret', c.secretArn)] : []),
    )
  } else {
    lines.push(row('state', 'not created'))
  }

  return lines.join('\n')
}

export function renderDestroyResult(result: DestroyEnvironmentResult): string {
  const lines = [`Destroyed ${result.site}'s environment.`, '', `Deleted (${result.deleted.length})`]
  for (const item of result.deleted) lines.push(`  ${item.kind} ${item.name}`)
  lines.push('', `Kept (${result.kept.length})`)
  for (const item of result.kept) lines.push(`  ${item.kind} ${item.name}: ${item.why}`)
  if (result.kept.length === 0) lines.push('  nothing')
  return lines.join('\n')
}
