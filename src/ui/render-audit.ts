/** Human rendering of `hactl audit`: one line per run, newest first. */
import type {AuditEntry, AuditResult} from '../site/audit'

function flagsText(flags: AuditEntry['flags']): string {
  return Object.entries(flags)
    .map(([name, value]) => (value === true ? `--${name}` : `--${name} ${Array.isArray(value) ? value.join(',') : JSON.stringify(value)}`))
    .join(' ')
}

function outcomeText(outcome: AuditEntry['outcome']): string {
  if (outcome.exitCode === 0) return 'ok'
  return `exit ${outcome.exitCode}${outcome.code ? ` ${outcome.code}` : ''}`
}

/** `arn:aws:iam::1:user/alice` → `user/alice`: the part a person recognises. */
function who(principal: string): string {
  return principal.split(':').at(-1) ?? principal
}

export function renderAudit(result: AuditResult): string {
  if (result.entries.length === 0) return `No audit entries for ${result.site} since ${result.since} (log group ${result.logGroup}).`
  const lines = result.entries.map((entry) => {
    const where = entry.ci ? `${entry.host}, ${entry.ci}` : entry.host
    const flags = flagsText(entry.flags)
    const head = `${entry.finishedAt}  ${outcomeText(entry.outcome).padEnd(16)} ${entry.command}${flags ? ` ${flags}` : ''}`
    const detail = `    by ${who(entry.principal)} on ${where}, run ${entry.runId}${entry.outcome.message && entry.outcome.exitCode !== 0 ? `: ${entry.outcome.message}` : ''}`
    return `${head}\n${detail}`
  })
  if (result.truncated) lines.push(`… more entries: use --limit or a shorter --since.`)
  if (result.unreadable > 0) lines.push(`(${result.unreadable} event(s) in ${result.logGroup} are not hactl entries and were skipped.)`)
  return lines.join('\n')
}
