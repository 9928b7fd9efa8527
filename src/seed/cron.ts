/**
 * The app's cron as the seed installs it: a systemd timer that fires every
 * minute, a service gated at every run on the instance's own role tag, and a
 * runner that runs the app's cron command as the PHP user and leaves a
 * heartbeat.
 *
 *   hactl-cron.timer ──(every minute)──► hactl-cron.service
 *                                          │ ExecCondition: role-is-seed   (IMDSv2, tag hactl:role == "seed")
 *                                          │   exit 1 ⇒ systemd skips the run: web node, or tag unreadable
 *                                          ▼ ExecStart: cron-run
 *                                        flock ─► timeout ─► runuser -u <php user> -- <app cron command>
 *                                          └─► /var/lib/hactl/cron-heartbeat.json  {at, exit, seconds}
 *
 * Why a gate at every run and not only at boot (invariant 1): every web node
 * boots from an AMI baked from the seed, so these units are on every web node
 * too. EB's prebuild hook (01-hactl-role.sh) disables them on a web node, but
 * only once EB deploys; until then, and if anyone re-enables them, the gate
 * still says no. The role is never decided from a file in the image, and an
 * unreadable tag (tags not exposed, IMDS down, no tag) means "web": no cron.
 *
 * Why a timer and not cronie: AL2023 does not install cronie, and systemd's
 * timer never starts a oneshot service that is still running, so runs cannot
 * pile up (the flock covers a run started by hand).
 */

import {SITE_NAME_FILE} from './pointers'

/** Where the seed's own scripts live: outside /var/app, which EB owns. */
export const SEED_LIBEXEC = '/usr/local/libexec/hactl'

/** The role tag, read through IMDSv2 instance metadata tags (only the seed has them enabled). */
export const ROLE_TAG = 'hactl:role'

/** Unit names the EB prebuild hook (.platform/hooks/prebuild/01-hactl-role.sh) switches off on web nodes. */
export const CRON_TIMER = 'hactl-cron.timer'
export const CRON_SERVICE = 'hactl-cron.service'

/** systemd's StateDirectory=hactl: the heartbeat lives here, not in /run, so it survives a reboot. */
export const CRON_HEARTBEAT = '/var/lib/hactl/cron-heartbeat.json'

/**
 * Where each run also publishes its heartbeat, the same JSON, so hactl reads
 * it with one GetParameter (seed status, doctor) instead of a Run Command
 * round trip; the sandbox's simulated seed writes the same parameter
 * (src/sandbox/services/ssm-seed.ts). Best effort: the file stays the record.
 * A new version a minute is fine: Parameter Store keeps the newest 100 and
 * deletes the oldest unlabelled one on each put (SSM API reference,
 * ParameterMaxVersionLimitExceeded).
 */
export function cronHeartbeatParameterName(site: string): string {
  return `/hactl/${site}/seed/cron`
}

export interface CronOptions {
  /** The app's code directory, the cron command's working directory, e.g. `/opt/hactl/app`. */
  readonly appDir: string
  /** The command, as argv, relative to `appDir`: e.g. `['php', 'admin/cli/cron.php']`. */
  readonly command: readonly string[]
  /** The PHP user the command runs as (the web server's user on the EB PHP platform). @default 'webapp' */
  readonly user?: string
  /** One run's limit in seconds, after which it is stopped (the next minute starts afresh). @default 900 */
  readonly limitSeconds?: number
}

/** A file the seed installs: path, mode and content. */
export interface SeedFile {
  readonly path: string
  readonly mode: number
  readonly content: string
}

/** Quotes a word for bash, so a path or argument is never split or expanded. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/**
 * Exit 0 when this instance's own hactl:role tag is exactly "seed"; exit 1
 * otherwise, whatever the reason. Curl's limits keep a dead IMDS from
 * holding the timer: the gate decides within a few seconds.
 */
export function roleGateScript(): string {
  return `#!/bin/bash
# hactl: exit 0 only when this instance's own ${ROLE_TAG} tag is exactly "seed",
# read through IMDSv2 instance metadata tags. Anything else - another value, no
# tag, tags not exposed in metadata, IMDS unreachable - exits 1: a web node.
# systemd's ExecCondition skips the cron run on exit 1.
set -uo pipefail

# Test seam; unset on an instance.
IMDS_URL="\${HACTL_IMDS_URL:-http://169.254.169.254}"

token=$(curl -fsS --connect-timeout 1 --max-time 3 -X PUT \\
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$IMDS_URL/latest/api/token" 2>/dev/null) || exit 1
[[ -n $token ]] || exit 1
role=$(curl -fsS --connect-timeout 1 --max-time 3 \\
  -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/meta-data/tags/instance/${ROLE_TAG}" 2>/dev/null) || exit 1
[[ $role == seed ]] || exit 1
exit 0
`
}

/** Runs the app's cron once, as the PHP user, bounded, and writes the heartbeat. */
export function cronRunScript(options: CronOptions): string {
  const user = options.user ?? 'webapp'
  const limit = options.limitSeconds ?? 900
  if (options.command.length === 0) throw new Error('the cron command is empty')
  const argv = options.command.map(shellQuote).join(' ')
  return `#!/bin/bash
# hactl: runs the site's cron once (${options.command.join(' ')}) in ${options.appDir}
# as ${user}, at most ${limit} s, one run at a time, and records a heartbeat
# {at, exit, seconds} that hactl reads (seed status, doctor, staging tests).
set -uo pipefail

# Test seams; unset on an instance.
HEARTBEAT="\${HACTL_CRON_HEARTBEAT:-${CRON_HEARTBEAT}}"
LOCK="\${HACTL_CRON_LOCK:-/run/lock/hactl-cron.lock}"
SITE_FILE="\${HACTL_SITE_FILE:-${SITE_NAME_FILE}}"
IMDS_URL="\${HACTL_IMDS_URL:-http://169.254.169.254}"
readonly APP_DIR=${shellQuote(options.appDir)}
readonly RUN_AS=${shellQuote(user)}
readonly LIMIT=${limit}

log() { printf 'hactl-cron: %s\\n' "$*"; }

write_heartbeat() {
  local status=$1 seconds=$2 dir tmp
  dir=$(dirname -- "$HEARTBEAT")
  mkdir -p -- "$dir"
  tmp=$(mktemp "$dir/.heartbeat.XXXXXX") || return 1
  printf '{"at":"%s","exit":%d,"seconds":%d}\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$status" "$seconds" >"$tmp"
  chmod 0644 -- "$tmp"
  mv -f -- "$tmp" "$HEARTBEAT"
}

# Best effort: the site's name file and the AWS CLI are there on the seed; the
# Region comes from IMDSv2 (a systemd unit has no AWS_REGION). Never fails the run.
publish_heartbeat() {
  local site token region
  site=$(cat -- "$SITE_FILE" 2>/dev/null) || return 0
  [[ -n $site ]] && command -v aws >/dev/null || return 0
  token=$(curl -fsS --connect-timeout 1 --max-time 3 -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$IMDS_URL/latest/api/token" 2>/dev/null) || return 0
  region=$(curl -fsS --connect-timeout 1 --max-time 3 \
    -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/meta-data/placement/region" 2>/dev/null) || return 0
  timeout 30 aws ssm put-parameter --region "$region" --overwrite --type String \
    --name "${cronHeartbeatParameterName('$site')}" --value "$(cat -- "$HEARTBEAT")" >/dev/null 2>&1 ||
    log "could not publish the heartbeat to SSM ${cronHeartbeatParameterName('$site')}"
}

exec 9>"$LOCK" || { log "cannot open $LOCK"; exit 1; }
if ! flock -n 9; then
  log "a run is still going: skipping this minute"
  exit 0
fi

cd -- "$APP_DIR" || { log "no code at $APP_DIR"; write_heartbeat 1 0; exit 1; }

started=$(date +%s)
if [[ $EUID -eq 0 && $(id -un) != "$RUN_AS" ]]; then
  timeout --kill-after=30 "$LIMIT" runuser -u "$RUN_AS" -- ${argv}
else
  timeout --kill-after=30 "$LIMIT" ${argv}
fi
status=$?
seconds=$(($(date +%s) - started))
if write_heartbeat "$status" "$seconds"; then
  publish_heartbeat
else
  log "could not write the heartbeat $HEARTBEAT"
fi
if [[ $status -eq 124 ]]; then
  log "stopped after $LIMIT s"
elif [[ $status -ne 0 ]]; then
  log "exited $status after $seconds s"
fi
exit "$status"
`
}

/** The service: one run, only on the seed. */
export function cronServiceUnit(options: CronOptions): string {
  const limit = options.limitSeconds ?? 900
  return `# hactl: the site's cron, one run. Runs only where ${ROLE_TAG} is "seed" (checked at every run).
[Unit]
Description=hactl: the site's cron (seed only)
Wants=network-online.target
After=network-online.target
ConditionPathIsDirectory=${options.appDir}

[Service]
Type=oneshot
ExecCondition=${SEED_LIBEXEC}/role-is-seed
ExecStart=${SEED_LIBEXEC}/cron-run
StateDirectory=hactl
TimeoutStartSec=${limit + 60}
Nice=5
`
}

/** The timer: every minute, on the minute. */
export function cronTimerUnit(): string {
  return `# hactl: fires ${CRON_SERVICE} every minute; systemd never starts it while a run is still going.
[Unit]
Description=hactl: the site's cron, every minute (seed only)

[Timer]
OnCalendar=*-*-* *:*:00
AccuracySec=1s

[Install]
WantedBy=timers.target
`
}

/** Every file the seed installs for cron, in install order. */
export function cronFiles(options: CronOptions): SeedFile[] {
  return [
    {content: roleGateScript(), mode: 0o755, path: `${SEED_LIBEXEC}/role-is-seed`},
    {content: cronRunScript(options), mode: 0o755, path: `${SEED_LIBEXEC}/cron-run`},
    {content: cronServiceUnit(options), mode: 0o644, path: `/etc/systemd/system/${CRON_SERVICE}`},
    {content: cronTimerUnit(), mode: 0o644, path: `/etc/systemd/system/${CRON_TIMER}`},
  ]
}
