/** Human rendering of `hactl plan`. */
import type {PlanResult} from '../env/plan'

export interface RenderPlanOptions {
  /** Print every bundle file in full. */
  readonly files: boolean
}

function stateMark(state: string): string {
  return {create: '+', exists: '=', unknown: '?'}[state] ?? ' '
}

export function renderPlan(plan: PlanResult, options: RenderPlanOptions): string {
  const lines: string[] = []
  const heading = plan.mode === 'live' ? 'compared with what exists' : 'offline: from hactl.yml alone'
  lines.push(`Plan for ${plan.site} (${plan.app}) in ${plan.region} — ${heading}`, '')
  lines.push(`Resources (${plan.resources.length})${plan.mode === 'live' ? '   + create   = exists   ? unknown' : ''}`)
  for (const r of plan.resources) {
    lines.push(`  ${plan.mode === 'live' ? `${stateMark(r.state)} ` : ''}${r.kind}: ${r.name}${r.id ? ` (${r.id})` : ''}`)
    for (const [key, value] of Object.entries(r.settings)) lines.push(`      ${key}: ${value}`)
    const tags = Object.entries(r.tags)
    if (tags.length > 0) lines.push(`      tags: ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}`)
  }

  lines.push('', `Elastic Beanstalk option settings (${plan.optionSettings.length})`)
  let namespace = ''
  for (const o of plan.optionSettings) {
    if (o.namespace !== namespace) {
      namespace = o.namespace
      lines.push(`  ${namespace}`)
    }

    const change = o.change === 'change' ? `   (now: ${o.current})` : o.change === 'add' ? '   (not set now)' : ''
    lines.push(`      ${o.option} = ${o.value}${change}`)
  }

  const props = plan.environmentProperties
  lines.push(`  environment properties: ${props.bytes} of ${props.limit} bytes${props.problems.length > 0 ? ` — ${props.problems.join('; ')}` : ''}`)

  lines.push('', `Application bundle ${plan.bundle.versionLabel} (${plan.bundle.files.length} files)`)
  for (const file of plan.bundle.files) {
    lines.push(`  ${file.mode} ${file.path}`)
    if (options.files) lines.push(...file.content.trimEnd().split('\n').map((line) => `      | ${line}`))
  }

  if (!options.files) lines.push('  (--files prints them in full)')
  const i = plan.instances
  lines.push(
    '',
    'Estimated instances',
    `  web         ${i.web.min}–${i.web.max} (up to ${i.webDuringRollout} during a rollout)`,
    `  seed        ${i.seed}`,
    `  database    ${i.database}`,
    `  cache nodes ${i.cacheNodes}`,
  )
  if (plan.mode === 'live') {
    lines.push('', `Summary: ${plan.summary.create} to create, ${plan.summary.exists} existing, ${plan.summary.optionChanges} option setting(s) to change.`)
  }

  lines.push('', `Seed boot script (user data): ${plan.seed.bootScript.split('\n').length} lines, ${plan.seed.userDataBytes} bytes gzipped of EC2's ${plan.seed.userDataLimit}; its files payload: ${plan.seed.payloadBytes} bytes gzipped, to ${plan.seed.payloadUrl}. Both scripts are in --json (seed.bootScript, seed.payload).`)
  for (const warning of plan.warnings) lines.push(`Warning: ${warning}`)
  return lines.join('\n')
}
