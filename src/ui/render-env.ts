/** Human rendering of `hactl env create / status / destroy`. */
import type {CreateEnvironmentResult} from '../env/create'
import type {DestroyEnvironmentResult} from '../env/destroy'
import type {PlanResult} from '../env/plan'
import {RESOURCE_KIND_LABELS, type ResourceKind} from '../site/inventory-kinds'
import type {EnvStatusResult} from '../env/status'

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`
}

/** A titled block of rows, or "not created" when the resource is not there. */
function section<T>(title: string, value: T | undefined, rows: (value: T) => string[]): string[] {
  return [title, ...(value ? rows(value) : [row('state', 'not created')])]
}

function minutes(ms: number): string {
  const total = Math.round(ms / 1000)
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`
}

/** The kinds the preview sums up on its last line, after the rows for the big four. */
const ALSO_KINDS: readonly ResourceKind[] = ['security-group', 'iam-role', 'instance-profile', 'secret']

function settingsOf(plan: PlanResult, kind: ResourceKind): Readonly<Record<string, string>> | undefined {
  return plan.resources.find((r) => r.resourceKind === kind)?.settings
}

function databaseRow(plan: PlanResult): string {
  const cluster = settingsOf(plan, 'aurora-cluster')
  if (cluster) {
    const instances = plan.summary.createByKind['aurora-instance'] ?? 0
    return `Aurora ${cluster.engine} cluster, ${instances} instance(s) × ${settingsOf(plan, 'aurora-instance')?.class ?? '?'}`
  }

  const instance = settingsOf(plan, 'rds-instance') ?? {}
  return `RDS ${instance.engine} ${instance.class}${instance.multiAz === 'true' ? ', Multi-AZ' : ''}`
}

function cacheRow(plan: PlanResult): string {
  const redis = settingsOf(plan, 'redis-replication-group')
  const cache = redis ?? settingsOf(plan, 'memcached-cluster') ?? {}
  return `${redis ? 'redis' : 'memcached'} ${cache.nodes} node(s) × ${cache.nodeType}`
}

/**
 * What `env create` is about to do, shown before it asks: the offline
 * plan's own resources and counts, so the preview and `hactl plan` cannot
 * disagree (a Memcached site has no secret, and the preview says so).
 */
export function renderCreatePreview(plan: PlanResult): string {
  const env = plan.resources.find((r) => r.resourceKind === 'eb-environment')
  const uploads = settingsOf(plan, 'efs-file-system') ?? {}
  const also = ALSO_KINDS.flatMap((kind) => {
    const n = plan.summary.createByKind[kind] ?? 0
    return n === 0 ? [] : [`${n} ${RESOURCE_KIND_LABELS[kind]}${n > 1 ? 's' : ''}`]
  })
  return [
    `hactl will create, for ${plan.site} (${plan.app}) in ${plan.region} (${plan.summary.create} resources):`,
    row('environment', `${env?.name}: ${env?.settings.instances} behind an ALB`),
    row('database', databaseRow(plan)),
    row('cache', cacheRow(plan)),
    row('uploads', `EFS (${uploads.throughputMode}), mounted at ${settingsOf(plan, 'efs-access-point')?.mountedAt}`),
    row('also', [...also, 'the application bundle'].join(', ')),
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
  const lines: string[] = [
    ...section('Environment', status.environment, (env) => [
      row('name', `${env.name} (${env.id})`),
      row('status', `${env.status}, health ${env.health}${env.healthStatus ? ` (${env.healthStatus})` : ''}`),
      ...env.causes.map((cause) => row('cause', cause)),
      row('URL', env.cname ? `http://${env.cname}/` : '(none)'),
      row('version', env.versionLabel ?? '(none)'),
      row('platform', env.platformArn?.split('/').slice(1).join(' ') ?? '(unknown)'),
    ]),
    '',
    `Instances (${status.instances.length})`,
    ...status.instances.map(
      (instance) => `  ${instance.id}  ${instance.state.padEnd(8)} ${instance.imageId}  ${instance.instanceType}  ${instance.zone}${instance.imdsv2 ? '' : '  IMDSv1 ALLOWED'}`,
    ),
    '',
    ...section('Uploads (EFS)', status.uploads, (u) => [
      row('file system', `${u.fileSystemId} ${u.state}${u.encrypted ? ', encrypted' : ', NOT ENCRYPTED'}`),
      row('endpoint', u.dnsName),
      row('mounts', u.mountTargets.map((t) => `${t.zone} ${t.state}`).join(', ') || 'none'),
      row('access point', u.accessPointId ?? 'none'),
    ]),
    '',
    ...section('Database', status.database, (d) => [
      row('id', `${d.id} (${d.engine}) ${d.status}${d.multiAz ? ', Multi-AZ' : ''}${d.encrypted ? ', encrypted' : ', NOT ENCRYPTED'}`),
      row('endpoint', d.endpoint ? `${d.endpoint}:${d.port ?? ''}` : '(not yet)'),
      ...(d.readerEndpoint ? [row('reader', d.readerEndpoint)] : []),
      row('secret', d.secretArn ?? '(none)'),
    ]),
    '',
    ...section('Cache', status.cache, (c) => {
      const encryption = [c.encryptedAtRest ? 'at rest' : '', c.encryptedInTransit ? 'in transit' : ''].filter(Boolean).join(' and ')
      return [
        row('id', `${c.id} (${c.engine}) ${c.status}, encrypted ${encryption || 'NOT AT ALL'}`),
        row('endpoint', c.endpoint ? `${c.endpoint}:${c.port ?? ''}` : '(not yet)'),
        ...(c.secretArn ? [row('secret', c.secretArn)] : []),
      ]
    }),
  ]

  if (status.https) {
    const h = status.https
    const expiry = h.notAfter ? `, expires ${h.notAfter.slice(0, 10)}${h.renewalEligibility === 'ELIGIBLE' ? ' (renewed by ACM)' : ''}` : ''
    lines.push('', 'HTTPS', row('domain', h.domain), row('certificate', h.certificateArn ? `${h.certificateArn} ${h.status ?? ''}${expiry}` : '(none yet: run `hactl env create`)'))
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
