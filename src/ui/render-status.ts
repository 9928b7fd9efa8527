/** Human rendering of `hactl status`. */
import type {StatusEnvironment, StatusResult} from '../status/status'
import {freezeMessageOf} from '../site/lock'

function row(label: string, value: string): string {
  return `  ${label.padEnd(10)} ${value}`
}

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

  lines.push('', 'Lock')
  if (!status.lock) {
    lines.push(row('state', 'unknown (no site configured)'))
  } else if (status.lock.held && freezeMessageOf(status.lock.operation) !== undefined) {
    // A deploy freeze (`hactl lock acquire`): never stale; it holds until `hactl lock release`.
    lines.push(row('state', `FROZEN: "${freezeMessageOf(status.lock.operation)}" (until \`hactl lock release\`)`), row('holder', status.lock.holder ?? '?'), row('since', status.lock.since ?? '?'))
  } else if (status.lock.held) {
    lines.push(
      row('state', status.lock.stale ? 'held, STALE (may be broken with --break-lock)' : 'held'),
      row('holder', status.lock.holder ?? '?'),
      row('since', status.lock.since ?? '?'),
      row('operation', status.lock.operation ?? '?'),
    )
  } else {
    lines.push(row('state', 'free'))
  }

  if (status.pointers) lines.push('', 'Pointers', ...pointerRows(status.pointers))
  if (status.config) lines.push('', 'Environment', ...environmentRows(status.environment))
  return lines.join('\n')
}

/** A pointer's value can be a page of JSON: one line each, cut to fit. */
const POINTER_WIDTH = 60

function pointerRows(pointers: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(pointers)
  if (names.length === 0) return [row('state', 'none under /hactl/<site>/ (the site has not been made: `hactl env create`)')]
  return names.map((name) => {
    const value = pointers[name].replaceAll(/\s+/g, ' ')
    return row(name, value.length > POINTER_WIDTH ? `${value.slice(0, POINTER_WIDTH - 1)}…` : value)
  })
}

function environmentRows(environment: StatusEnvironment | undefined): string[] {
  if (!environment) return [row('state', 'not read (no pointers: the site has not been made)')]
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
