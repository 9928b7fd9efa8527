/** Human rendering of `hactl exec`: each node's output under a header, then a one-line tally. */
import type {FleetExecResult, NodeExecResult} from '../ops/exec'

/** `── i-0abc: exit 0 ──` then its stdout, and its stderr marked as such. */
export function renderNodeResult(result: NodeExecResult): string {
  if ('reason' in result) return `── ${result.instanceId}: not run: ${result.reason}`
  const head = `── ${result.instanceId}: ${result.status === 'Success' || result.status === 'Failed' ? `exit ${result.exitCode}` : `${result.status}${result.statusDetails ? ` (${result.statusDetails})` : ''}`}`
  const parts = [head]
  if (result.stdout !== '') parts.push(result.stdout.replace(/\n$/, ''))
  if (result.stderr !== '') parts.push(result.stderr.replace(/\n$/, '').split('\n').map((line) => `stderr: ${line}`).join('\n'))
  if (result.truncated.stdout || result.truncated.stderr) parts.push('(output cut by SSM: it keeps the first 24,000 characters of output, 8,000 of errors)')
  return parts.join('\n')
}

export function renderExecSummary(result: FleetExecResult): string {
  const total = result.results.length
  if (result.failed === 0) return `${total} web node(s): all exited 0.`
  const bad = result.results.filter((node) => !node.ok).map((node) => node.instanceId)
  return `${result.failed} of ${total} web node(s) failed: ${bad.join(', ')}.`
}
