/** Human rendering of `hactl status`. */
import type {StatusResult} from '../status/status'
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

  return lines.join('\n')
}
