/** Human rendering of `hactl lock acquire | status | release`. */
import type {FreezeResult, LockRecord, ReleaseResult} from '../site/lock'
import type {LockStatusResult} from '../site/lock-status'

function row(label: string, value: string): string {
  return `  ${label.padEnd(10)} ${value}`
}

function age(minutes: number | undefined): string {
  if (minutes === undefined) return 'unknown'
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} hours`
  return `${Math.round(minutes / (24 * 60))} days`
}

function freezeRows(lock: LockRecord): string[] {
  return [row('reason', lock.message ?? ''), row('holder', lock.holder), row('since', lock.since)]
}

export function renderLockStatus(status: LockStatusResult): string {
  if (status.state === 'free') return `Site ${status.site} is not locked: commands run.`
  const lock = status.lock!
  if (status.state === 'frozen') {
    const lines = [`Site ${status.site} is FROZEN: every command that changes it exits 6 until the freeze is released.`, ...freezeRows(lock), row('age', age(status.ageMinutes))]
    if (status.oldFreeze) lines.push('', `This freeze is ${age(status.ageMinutes)} old; if it is no longer wanted, \`hactl lock release\` ends it.`)
    return lines.join('\n')
  }

  return [
    `Site ${status.site} is locked by a running command${status.stale ? ' (STALE: no heartbeat; the next command may take it over with --break-lock)' : ''}.`,
    row('operation', lock.operation),
    row('holder', lock.holder),
    row('since', lock.since),
    row('heartbeat', lock.heartbeatAt),
    '',
    'Commands with --lock-wait queue behind it.',
  ].join('\n')
}

export function renderFreeze(result: FreezeResult & {site: string}): string {
  const head = {
    created: `Site ${result.site} is frozen.`,
    unchanged: `Site ${result.site} was already frozen by you; nothing changed.`,
    updated: `Site ${result.site} was already frozen by you; the reason is updated.`,
  }[result.action]
  return [head, ...freezeRows(result.lock), '', 'Commands that change the site now exit 6 naming the reason. `hactl lock release` ends the freeze.'].join('\n')
}

export function renderRelease(result: ReleaseResult & {site: string}): string {
  if (!result.released || !result.lock) return `Site ${result.site} was not frozen; nothing to release.`
  const whose = result.forced ? ` It was ${result.lock.principal ?? result.lock.holder}'s freeze (released with --force).` : ''
  return `Released the freeze on ${result.site} ("${result.lock.message ?? ''}", since ${result.lock.since}).${whose}`
}
