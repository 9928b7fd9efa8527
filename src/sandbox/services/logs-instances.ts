import {DURATIONS} from '../durations'
import type {AdvanceContext, RegionState} from '../types'
import {optionValue, type EbEnvironmentRecord} from './eb-model'
import type {InstanceRecord} from './ec2-model'
import type {LogGroupRecord, LogsState} from './logs'
import {isSeed, seedBootFailed, seedScriptText, seedSite} from './ssm-seed'

/*
 * What the instances write to CloudWatch Logs on their own, on the simulated
 * clock (logs.md "Instance logs"):
 *
 *   EB environment with aws:elasticbeanstalk:cloudwatch:logs StreamLogs=true
 *     ─► EB creates /aws/elasticbeanstalk/<env>/<file> (RetentionInDays, default 7)
 *     ─► each member instance, once running, writes to its stream (= its id):
 *          eb-engine.log and eb-hooks.log at deployment, nginx access lines
 *          (the load balancer's health check and a visitor) every minute, a
 *          PHP warning every 10 minutes, an nginx warning every 30
 *   a seed whose user data configures amazon-cloudwatch-agent, after a good boot
 *     ─► /hactl/<site>/seed/{boot,cron,nginx-access,nginx-error,php} when those
 *        groups exist (the agent may not create groups: the instance role
 *        only allows CreateLogStream/PutLogEvents on them)
 *
 * Events materialise lazily in the advance phase, at most LOG_BACKFILL back
 * (simulated time runs on between processes: a state left for a real day
 * must not write a simulated month of access lines). The names are written
 * out again (the sandbox imports no product code); a test checks them
 * against src/site/log-groups.ts.
 */

/** How far back instance logs are filled in at most. */
export const LOG_BACKFILL_MS = 60 * 60_000
const MINUTE = 60_000
/** Deployment on a new member takes about this long after `running` (its first engine lines). */
const DEPLOY_AFTER_RUNNING_MS = 30_000
/** The agent ships a line a few seconds after it is written. */
const INGESTION_DELAY_MS = 5_000
const EB_DEFAULT_RETENTION = 7
/**
 * The newest events an instance's stream keeps in the sandbox: at a high
 * --speed simulated days pass in a test, and the state file is rewritten on
 * every call. AWS keeps them all for the group's retention.
 */
export const MAX_INSTANCE_STREAM_EVENTS = 120

export const EB_LOG_FILES = ['/var/log/eb-engine.log', '/var/log/eb-hooks.log', '/var/log/nginx/access.log', '/var/log/nginx/error.log', '/var/log/php-fpm/www-error.log'] as const
export const SEED_LOG_NAMES = ['boot', 'cron', 'nginx-access', 'nginx-error', 'php'] as const
const CLOUDWATCH_NAMESPACE = 'aws:elasticbeanstalk:cloudwatch:logs'

type Line = {readonly at: number; readonly message: string}
type Lines = Record<string, Line[]>

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** nginx's $time_local in UTC: `10/Sep/2025:17:43:05 +0000`. */
function nginxTime(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}
/** nginx's error log and EB's engine log: `2025/09/10 17:43:05`. */
const slashTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replaceAll('-', '/').replace('T', ' ')
/** PHP's error log: `[10-Sep-2025 17:43:05 UTC]`. */
function phpTime(ms: number): string {
  const d = new Date(ms)
  return `[${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC]`
}

function webLines(instance: InstanceRecord, start: number, window: {from: number; to: number}): Lines {
  const ip = instance.privateIp
  const lines: Lines = {}
  const add = (file: string, at: number, message: string) => {
    if (at > window.from && at <= window.to) (lines[file] ??= []).push({at, message})
  }

  const engine = ['Executing instruction: StageApplication', 'Executing platform hooks in .platform/hooks/prebuild/', 'Executing instruction: start php-fpm', 'Executing instruction: start proxy with new configuration', 'Instance deployment completed successfully.']
  for (const [index, text] of engine.entries()) add('/var/log/eb-engine.log', start + index * 2000, `${slashTime(start + index * 2000)}.000000 [INFO] ${text}`)
  const hooks = ['hactl: role web (from the instance tag hactl:role)', 'hactl: uploads EFS mounted (TLS, IAM, access point)', 'hactl: postdeploy: health page answers 200']
  for (const [index, text] of hooks.entries()) add('/var/log/eb-hooks.log', start + 3000 + index * 3000, `${slashTime(start + 3000 + index * 3000)} ${text}`)

  const first = Math.max(0, Math.floor((window.from - start) / MINUTE))
  const last = Math.floor((window.to - start) / MINUTE)
  for (let k = first; k <= last; k += 1) {
    const tick = start + k * MINUTE
    add('/var/log/nginx/access.log', tick + 5000, `10.0.0.${10 + (k % 3)} - - [${nginxTime(tick + 5000)}] "GET /hactl/health.php HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0" "-"`)
    add('/var/log/nginx/access.log', tick + 31_000, `${ip} - - [${nginxTime(tick + 31_000)}] "GET /${k % 4 === 0 ? 'login/index.php' : ''} HTTP/1.1" 200 ${5120 + (k % 7) * 13} "-" "Mozilla/5.0 (X11; Linux x86_64)" "203.0.113.${k % 200}"`)
    if (k % 10 === 7) add('/var/log/php-fpm/www-error.log', tick + 40_000, `${phpTime(tick + 40_000)} PHP Warning:  Undefined array key "HTTP_REFERER" in /var/app/current/index.php on line 17`)
    if (k % 30 === 13) add('/var/log/nginx/error.log', tick + 45_000, `${slashTime(tick + 45_000)} [warn] 2841#2841: *${k} an upstream response is buffered to a temporary file /var/lib/nginx/tmp/fastcgi/1/00/0000000001 while reading upstream, client: 10.0.0.10, server: , request: "GET /pluginfile.php HTTP/1.1"`)
  }

  return lines
}

function seedLines(bootAt: number, window: {from: number; to: number}): Lines {
  const lines: Lines = {}
  const add = (name: string, at: number, message: string) => {
    if (at > window.from && at <= window.to) (lines[name] ??= []).push({at, message})
  }

  const boot = ['writing the seed files', 'installing packages (EFS utils, DB client, PHP build tools for phpredis)', 'streaming logs to CloudWatch (amazon-cloudwatch-agent)', 'mounting the uploads EFS (TLS, IAM, access point)', 'rendering the configuration and the app DB user', 'enabling the seed units', 'ok']
  for (const [index, text] of boot.entries()) add('boot', bootAt - (boot.length - index) * 1000, `hactl-boot: ${text}`)
  const first = Math.max(0, Math.floor((window.from - bootAt) / MINUTE))
  const last = Math.floor((window.to - bootAt) / MINUTE)
  for (let k = first; k <= last; k += 1) {
    // The runner's minute: the timer fires on the minute.
    const tick = (Math.floor(bootAt / MINUTE) + 1 + k) * MINUTE
    add('cron', tick + DURATIONS.seedCronRun, `hactl-cron: exited 0 after ${DURATIONS.seedCronRun / 1000} s`)
    if (k % 5 === 0) add('nginx-access', tick + 20_000, `127.0.0.1 - - [${nginxTime(tick + 20_000)}] "GET /hactl/health.php HTTP/1.1" 200 2 "-" "curl/8.5.0"`)
    if (k % 10 === 3) add('php', tick + 25_000, `${phpTime(tick + 25_000)} WARNING: [pool hactl-seed] server reached pm.max_children setting (8), consider raising it`)
    if (k % 30 === 11) add('nginx-error', tick + 26_000, `${slashTime(tick + 26_000)} [warn] 913#913: *${k} a client request body is buffered to a temporary file /var/lib/hactl/seed-nginx/client_body/0000000001`)
  }

  return lines
}

/** Appends events to a stream (created on first write, as the agent's CreateLogStream does). */
function write(group: LogGroupRecord, stream: string, lines: readonly Line[], now: number): void {
  const record = (group.streams[stream] ??= {createdAt: now, events: [], name: stream})
  for (const line of [...lines].sort((a, b) => a.at - b.at)) {
    record.events.push({ingestedAt: Math.min(now, line.at + INGESTION_DELAY_MS), message: line.message, seq: group.written++, timestamp: line.at})
  }

  if (record.events.length > MAX_INSTANCE_STREAM_EVENTS) record.events.splice(0, record.events.length - MAX_INSTANCE_STREAM_EVENTS)
}

/** The window still to fill for one stream, and records it as filled; undefined when nothing is due. */
function due(state: LogsState, key: string, start: number, end: number, now: number): {from: number; to: number} | undefined {
  state.streamedTo ??= {}
  const from = Math.max(state.streamedTo[key] ?? start - 1, now - LOG_BACKFILL_MS)
  if (end <= from) return undefined
  state.streamedTo[key] = end
  return {from, to: end}
}

function ensureEbGroups(state: LogsState, env: EbEnvironmentRecord, now: number): LogGroupRecord[] {
  const days = Number(optionValue(env.optionSettings, CLOUDWATCH_NAMESPACE, 'RetentionInDays') ?? EB_DEFAULT_RETENTION)
  return EB_LOG_FILES.map((file) => {
    const name = `/aws/elasticbeanstalk/${env.name}${file}`
    return (state.groups[name] ??= {createdAt: now, name, retentionDays: days, streams: {}, tags: {}, written: 0})
  })
}

function advanceEnvironment(state: LogsState, region: RegionState, env: EbEnvironmentRecord, now: number): boolean {
  if (optionValue(env.optionSettings, CLOUDWATCH_NAMESPACE, 'StreamLogs') !== 'true') return false
  const groups = ensureEbGroups(state, env, now)
  let changed = false
  for (const id of env.instanceIds) {
    const instance = region.ec2?.instances.find((candidate) => candidate.id === id)
    if (instance === undefined) continue
    const start = instance.launchedAt + DURATIONS.instancePending + DEPLOY_AFTER_RUNNING_MS
    const window = due(state, `web ${instance.id}`, start, Math.min(now, instance.terminatedAt ?? now), now)
    if (window === undefined) continue
    const lines = webLines(instance, start, window)
    for (const [index, file] of EB_LOG_FILES.entries()) if (lines[file]) write(groups[index], instance.id, lines[file], now)
    changed = true
  }

  return changed
}

function advanceSeed(state: LogsState, region: RegionState, instance: InstanceRecord, now: number): boolean {
  const site = seedSite(instance)
  const bootAt = region.ssm?.seeds[instance.id]?.bootReportedAt
  if (site === undefined || bootAt === undefined || seedBootFailed(region, instance)) return false
  if (!seedScriptText(region, instance)?.includes('amazon-cloudwatch-agent')) return false
  const window = due(state, `seed ${instance.id}`, bootAt - 60_000, Math.min(now, instance.terminatedAt ?? now), now)
  if (window === undefined) return false
  const lines = seedLines(bootAt, window)
  for (const name of SEED_LOG_NAMES) {
    const group = state.groups[`/hactl/${site}/seed/${name}`]
    if (group && lines[name]) write(group, instance.id, lines[name], now)
  }

  return true
}

/** The advance phase of CloudWatch Logs: what the instances streamed since the last call. */
export function advanceInstanceLogs(state: LogsState, region: RegionState, context: AdvanceContext): boolean {
  let changed = false
  for (const env of region.eb?.environments ?? []) changed = advanceEnvironment(state, region, env, context.now) || changed
  for (const instance of region.ec2?.instances ?? []) if (isSeed(instance)) changed = advanceSeed(state, region, instance, context.now) || changed
  return changed
}
