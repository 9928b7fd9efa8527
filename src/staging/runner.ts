/**
 * The staging runner installed on the seed, `/usr/local/libexec/hactl/staging-run`:
 * POSIX sh, curl and PHP (no Node, no jq). SSM Run Command (AWS-RunShellScript,
 * as root) or `hactl test run` starts it; EventBridge Scheduler starts it the
 * same way, so scheduled and manual runs record alike.
 *
 *   staging-run [--trigger manual|schedule] [--only ID,..] [--skip ID,..] [--no-record] [--notify TOPIC_ARN]
 *   staging-run --marker        prints the change marker (ChangeMarker JSON, one line, with the code's
 *                               schema version codeSchema) and exits 0: what `hactl bake` compares with
 *                               the last passing run
 *   staging-run --versions      prints {"codeSchema","dbSchema","appVersion"} (one line): the code's schema
 *                               version and the database's (read with the app's credentials, TLS); exit 1
 *                               and one stderr line when the database cannot be read
 *   staging-run --marker --versions   the marker with dbSchema added ("" when the database cannot be
 *                               read, said on stderr): what `hactl bake` reads, in one SSM command
 *     │ root: change marker (code, plugins, app version, php -m)
 *     │ for each check, in order, under the suite's deadline:
 *     │   timeout <limit> runuser -u hactl-test -- staging-run --check ID   (one process per check)
 *     │     exit 0 pass, 3 skip, anything else fail; 124 = its time limit
 *     ▼
 *   report (JSON, one line) ─► stdout, /var/lib/hactl/staging/reports/<run id>.json
 *                           ─► aws ssm put-parameter /hactl/<site>/tests/last (+ last-pass)   (record.ts)
 *
 * Why `hactl-test`, a system user in the PHP group and nothing else: the
 * checks need /run/hactl/site.php (0640 root:<php group>) for the database
 * and cache credentials, but the code under /opt/hactl/app is owned by the
 * PHP user itself, so running as that user could change the code the suite
 * is vouching for (and a custom shell check comes from hactl.yml). As a
 * group member it reads what PHP reads and writes nothing of the code
 * (release files are not group-writable). The uploads probe still works:
 * the EFS access point enforces its own POSIX identity on every request
 * (AWS-NOTES-2 A #9). Only the checks in PRIVILEGED_CHECKS run as root, each
 * read-only and with a reason. The user is declared in sysusers.d
 * (stagingFiles) and created on first run if the boot did not.
 */
import {type AppProfile, RELATIVE_UPLOADS_MOUNT} from '../apps'
import {type HactlConfig} from '../config'
import {CRON_HEARTBEAT, SEED_LIBEXEC, shellQuote} from '../seed/cron'
import {RUN_DIR, SITE_NAME_FILE} from '../seed/pointers'

import {HTTP_MAX_MS, PRIVILEGED_CHECKS, type RunnerCheck, runnerChecks} from './checks'
import {lockParameterName} from '../site/lock'

import {BACKOFF, lastPassParameterName, lastRunParameterName, RUNNER_EXIT} from './record'

/** The runner's path on the seed. */
export const STAGING_RUNNER = `${SEED_LIBEXEC}/staging-run`
export const STAGING_PROBE = `${SEED_LIBEXEC}/staging-probe.php`
export const STAGING_MANIFEST = `${SEED_LIBEXEC}/staging-manifest`
/** The release's core checksums, recorded at install; outside the code, owned by root. */
export const CORE_MANIFEST = '/opt/hactl/core-checksums.md5'
/** Reports and log offsets, on disk (no secret is ever in them). */
export const STAGING_STATE_DIR = '/var/lib/hactl/staging'
/** The least-privileged user the checks run as (see the header). */
export const STAGING_USER = 'hactl-test'
/** Reports kept on the seed (the AWS record keeps its own 100). */
export const REPORTS_KEPT = 50

export interface RunnerOptions {
  readonly profile: AppProfile
  readonly staging: HactlConfig['staging']
  /** hactl.yml `uploads.path`: a relative one is a link under the code, left out of the marker. */
  readonly uploadsPath: string
  /** The PHP user's group, which the test user joins. @default 'webapp' */
  readonly phpGroup?: string
}

function functionName(id: string): string {
  return `check_${id.replaceAll('-', '_')}`
}

function checkFunctions(checks: readonly RunnerCheck[]): string {
  return checks.map((c) => `${functionName(c.id)}() {\n${c.script.trimEnd()}\n}\n`).join('\n')
}

function pruneExpression(profile: AppProfile, uploadsPath: string): string {
  const excluded = [...profile.stagingChecks.markerExcludes]
  if (!uploadsPath.startsWith('/')) excluded.push(uploadsPath.replace(/\/+$/, ''))
  // A path that matches nothing keeps the expression valid when there is nothing to leave out.
  const paths = excluded.length > 0 ? excluded : ['.hactl-nothing-excluded']
  return paths.map((p) => `-path ${shellQuote(`./${p}`)}`).join(' -o ')
}

/** The `verdict` helper, rendered only when a check uses it (shellcheck flags an unused function). */
const VERDICT = `# For PHP that prints "ok: MESSAGE" when all is well: anything else (an app's error
# page, a warning, a fatal) fails, with the text of its body, tags stripped.
verdict() {
  case $1 in
    'ok: '*) pass "\${1#ok: }" ;;
  esac
  fail "$(printf '%s' "$1" | tr '\\n' ' ' | sed -e 's/.*<body[^>]*>//' -e 's/<[^>]*>//g' | tr -s '[:space:]' ' ' | cut -c 1-200)"
}
`

/** The runner script. */
export function stagingRunScript(options: RunnerOptions): string {
  const {profile, staging} = options
  const checks = runnerChecks(profile, staging)
  const limits = checks
    .filter((c) => c.limitSeconds !== undefined)
    .map((c) => `${c.id}) echo ${c.limitSeconds} ;;`)
    .join('\n    ')
  const privileged = Object.keys(PRIVILEGED_CHECKS).join(' ')
  return `#!/bin/sh
# shellcheck disable=SC2016 # PHP code goes in single quotes: its $ are PHP's
# hactl: the staging runner for ${profile.label} (src/staging/runner.ts). Runs the
# site's staging checks, each as ${STAGING_USER} under its own time limit, within
# one limit for the suite; prints the report (one JSON line) and records it in
# SSM ${lastRunParameterName('<site>')}. Exit: 0 pass, 1 a check failed,
# 2 bad arguments, 3 passed but not recorded.
set -u
umask 022

# Test seams; unset on an instance.
SITE_FILE="\${HACTL_SITE_FILE:-${SITE_NAME_FILE}}"
SITE_PHP="\${HACTL_SITE_PHP:-${RUN_DIR}/site.php}"
APP_DIR="\${HACTL_APP_DIR:-${profile.codeDir}}"
LIBEXEC="\${HACTL_LIBEXEC:-${SEED_LIBEXEC}}"
STATE_DIR="\${HACTL_STAGING_STATE:-${STAGING_STATE_DIR}}"
RUN_BASE="\${HACTL_STAGING_RUN_DIR:-/run/hactl-staging}"
HTTP_BASE="\${HACTL_HTTP_BASE:-http://127.0.0.1}"
RUN_AS="\${HACTL_STAGING_USER-${STAGING_USER}}"
HEARTBEAT="\${HACTL_CRON_HEARTBEAT:-${CRON_HEARTBEAT}}"
UPLOADS_MOUNT="\${HACTL_STAGING_UPLOADS_MOUNT:-${RELATIVE_UPLOADS_MOUNT}}"
EFS_FSTYPE="\${HACTL_STAGING_EFS_FSTYPE:-nfs4}"
SECRET_DIRS="\${HACTL_STAGING_SECRET_DIRS:-$APP_DIR /etc /var/log /tmp /var/tmp}"
LOG_DIR="\${HACTL_STAGING_LOG_DIR:-/var/log/hactl}"
MANIFEST="\${HACTL_STAGING_MANIFEST:-${CORE_MANIFEST}}"
IMDS_URL="\${HACTL_IMDS_URL:-http://169.254.169.254}"
HTTP_MAX_MS="\${HACTL_STAGING_HTTP_MAX_MS:-${HTTP_MAX_MS}}"
export SITE_PHP APP_DIR LIBEXEC STATE_DIR HTTP_BASE HTTP_MAX_MS HEARTBEAT UPLOADS_MOUNT EFS_FSTYPE SECRET_DIRS LOG_DIR MANIFEST

readonly APP=${profile.app}
readonly CHECK_LIMIT=${staging.checkLimitSeconds}
readonly SUITE_LIMIT=${staging.suiteLimitSeconds}
readonly ALL_CHECKS=${shellQuote(checks.map((c) => c.id).join(' '))}
readonly PRIVILEGED=${shellQuote(privileged)}
readonly PHP_GROUP=${shellQuote(options.phpGroup ?? 'webapp')}
readonly DB_SCHEMA_SQL=${shellQuote(profile.stagingChecks.dbSchemaSql)}

log() { printf 'hactl-staging: %s\\n' "$*" >&2; }

# ---- helpers for the checks (each runs in its own process: these exit) ----
pass() { printf '%s\\n' "$*"; exit 0; }
fail() { printf '%s\\n' "$*"; exit 1; }
skip() { printf '%s\\n' "$*"; exit 3; }
probe() { php -f "$LIBEXEC/staging-probe.php" -- "$@"; }
site_value() { probe value "$1"; }
app_php() { (cd -- "$APP_DIR" && php "$@"); }
${checks.some((c) => /\bverdict\b/.test(c.script)) ? VERDICT : ''}
# GET through the seed's own web server with the site's Host header:
# sets HTTP_STATUS and HTTP_MS, the body in $WORK/body.
http_get() {
  host=$(site_value url | sed -n 's|^[a-z]*://\\([^/:]*\\).*|\\1|p')
  set -- "$1" "$2" \${host:+-H "Host: $host"}
  path=$1 max=$2
  shift 2
  timing=$(curl -sS -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time "$max" "$@" -- "$HTTP_BASE$path" 2>"$WORK/curl.err") ||
    fail "GET $path: $(head -n 1 "$WORK/curl.err")"
  HTTP_STATUS=\${timing%% *}
  HTTP_MS=$(printf '%s\\n' "\${timing#* }" | awk '{ printf "%d", $1 * 1000 }')
}

# http_check PATH STATUS CONTAINS MATCHES MAX_MS
http_check() {
  http_get "$1" $(( ($5 + 999) / 1000 + 5 ))
  [ "$HTTP_STATUS" = "$2" ] || fail "GET $1 answered $HTTP_STATUS, expected $2 ($HTTP_MS ms)"
  if [ -n "$3" ] && ! grep -qF -- "$3" "$WORK/body"; then fail "GET $1: the body lacks \\"$3\\""; fi
  if [ -n "$4" ] && ! grep -qE -- "$4" "$WORK/body"; then fail "GET $1: the body does not match /$4/"; fi
  [ "$HTTP_MS" -le "$5" ] || fail "GET $1 took $HTTP_MS ms (limit $5 ms)"
  pass "GET $1: $HTTP_STATUS in $HTTP_MS ms"
}

# ---- the checks ----
${checkFunctions(checks)}
run_check() {
  WEB_ROOT=$APP_DIR
  [ -d "$APP_DIR/public" ] && WEB_ROOT=$APP_DIR/public
  export WEB_ROOT
  cd -- "$APP_DIR" || fail "no code at $APP_DIR"
  case $1 in
    ${checks.map((c) => `${c.id}) ${functionName(c.id)} ;;`).join('\n    ')}
    *) fail "no check $1" ;;
  esac
  # shellcheck disable=SC2317 # reached when a check body ends without pass, fail or skip
  fail "check $1 ended without a verdict"
}

check_limit() {
  case $1 in
    ${limits}${limits ? '\n    ' : ''}*) echo "$CHECK_LIMIT" ;;
  esac
}

# ---- the change marker (as root: it must see every code file) ----
sha() { sha256sum | cut -d ' ' -f 1; }
compute_marker() {
  (
    cd -- "$APP_DIR" || exit 1
    code=$({
      find . -xdev \\( ${pruneExpression(profile, options.uploadsPath)} \\) -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
      find . -xdev \\( ${pruneExpression(profile, options.uploadsPath)} \\) -prune -o -type l -printf '%p -> %l\\n' | LC_ALL=C sort
    } | sha)
    plugins=$( (${profile.stagingChecks.pluginsCommand}) 2>/dev/null | sha)
    version=$(app_version)
    phpmods=$(php -m | sha)
    value=$(printf 'code %s\\nplugins %s\\napp %s\\nphp %s\\n' "$code" "$plugins" "$version" "$phpmods" | sha)
    # The code's schema version is covered by the code's hash already: a field, not a part of the value.
    printf '{"value":"sha256:%s","code":"%s","plugins":"%s","appVersion":"%s","php":"%s","codeSchema":"%s"}' "$value" "$code" "$plugins" "$version" "$phpmods" "$(code_schema)"
  )
}

# ---- schema versions: the code's and the database's (src/bake/schema-guard.ts) ----
app_version() { app_php -r ${shellQuote(profile.stagingChecks.versionPhp)} 2>/dev/null | tr -cd 'A-Za-z0-9._+ -'; }
code_schema() { app_php -r ${shellQuote(profile.stagingChecks.codeSchemaPhp)} 2>/dev/null | tr -cd '0-9.'; }
# Prints the database's schema version; on failure the probe's one line goes to stderr and it returns 1.
db_schema() {
  said=$(probe schema "$DB_SCHEMA_SQL" 2>&1) || { log "cannot read the database's schema version: $said"; return 1; }
  printf '%s' "$said" | tr -cd '0-9.'
}

# ---- the suite ----
now_ms() { date +%s%3N; }

in_list() {
  case ",$2," in *",$1,"*) return 0 ;; esac
  return 1
}

imds() {
  token=$(curl -fsS --connect-timeout 1 --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$IMDS_URL/latest/api/token" 2>/dev/null) || return 1
  curl -fsS --connect-timeout 1 --max-time 2 -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/meta-data/$1" 2>/dev/null
}

# Writes one result line; tabs and newlines never reach the report's fields.
result() {
  printf '%s\\t%s\\t%s\\t%s\\n' "$1" "$2" "$3" "$(printf '%s' "$4" | tr '\\t\\r\\n' '   ' | cut -c 1-300)" >>"$WORK/results"
  log "$1 $2 ($3 ms) $4"
}

ensure_user() {
  [ -z "$RUN_AS" ] && return 0
  [ "$(id -u)" -eq 0 ] || { log "not root: the checks run as $(id -un)"; RUN_AS=''; return 0; }
  id -u "$RUN_AS" >/dev/null 2>&1 || systemd-sysusers /etc/sysusers.d/hactl-staging.conf >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /sbin/nologin --groups "$PHP_GROUP" "$RUN_AS" 2>/dev/null
  id -u "$RUN_AS" >/dev/null 2>&1
}

# report SITE STARTED MARKER SELECTION: prints it, keeps it on the seed; a skipped run is recorded too.
report() {
  report=$(HACTL_R_RESULTS="$WORK/results" HACTL_R_RUN_ID="$RUN_ID" HACTL_R_SITE="$1" HACTL_R_APP="$APP" \\
    HACTL_R_INSTANCE="$(imds instance-id || true)" HACTL_R_TRIGGER="$TRIGGER" HACTL_R_STARTED="$2" \\
    HACTL_R_FINISHED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" HACTL_R_MARKER="$3" HACTL_R_SELECTION="$4" HACTL_R_SKIPPED="\${SKIPPED:-}" probe report) ||
    { log "could not write the report"; exit ${RUNNER_EXIT.fail}; }
  printf '%s\\n' "$report" >"$STATE_DIR/reports/$RUN_ID.json"
  cp -f -- "$STATE_DIR/reports/$RUN_ID.json" "$STATE_DIR/last.json"
  find "$STATE_DIR/reports" -name '*.json' | LC_ALL=C sort -r | tail -n +${REPORTS_KEPT + 1} | while read -r old; do rm -f -- "$old"; done
  printf '%s\\n' "$report"
  [ -z "\${SKIPPED:-}" ] || [ -n "$NO_RECORD" ] || record "$1" "$report" ${RUNNER_EXIT.fail}
}

run_suite() {
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
  export RUN_ID
  site=$(tr -d '[:space:]' <"$SITE_FILE" 2>/dev/null)
  [ -n "$site" ] || { log "no site name in $SITE_FILE"; exit ${RUNNER_EXIT.usage}; }
  ensure_user || { log "cannot create the test user $RUN_AS"; exit ${RUNNER_EXIT.fail}; }
  mkdir -p -- "$RUN_BASE" "$STATE_DIR/reports" && chmod 0711 "$RUN_BASE"
  WORK=$(mktemp -d "$RUN_BASE/run.XXXXXX") || { log "cannot make a work directory in $RUN_BASE"; exit ${RUNNER_EXIT.fail}; }
  # The test user passes through to its own directory per check, and sees nothing else here.
  chmod 0711 "$WORK"
  trap 'rm -rf -- "$WORK"' EXIT
  [ "$TRIGGER" = schedule ] && scheduled_gate "$site"
  : >"$WORK/results"
  marker=$(compute_marker) || marker='{}'
  selection=all
  deadline=$(( $(date +%s) + SUITE_LIMIT ))
  over=''
  for id in $ALL_CHECKS; do
    if { [ -n "$ONLY" ] && ! in_list "$id" "$ONLY"; } || in_list "$id" "$SKIP"; then
      selection=partial
      continue
    fi
    remaining=$((deadline - $(date +%s)))
    if [ "$remaining" -le 0 ]; then
      if [ -z "$over" ]; then result "$id" fail 0 "the suite's time limit ($SUITE_LIMIT s) was reached before this check"; else result "$id" skip 0 "the suite's time limit was reached"; fi
      over=1
      continue
    fi
    limit=$(check_limit "$id")
    [ "$limit" -le "$remaining" ] || limit=$remaining
    dir="$WORK/$id"
    mkdir -p -- "$dir"
    # Through sh, not exec: the runner works even when started as "sh staging-run".
    set -- /bin/sh "$0" --check "$id"
    if [ -n "$RUN_AS" ] && ! in_list "$id" "$(echo "$PRIVILEGED" | tr ' ' ',')"; then
      chown -- "$RUN_AS" "$dir"
      set -- runuser -u "$RUN_AS" -- "$@"
    fi
    t0=$(now_ms)
    WORK=$dir timeout -k 5 "$limit" "$@" >"$dir/out" 2>&1 </dev/null
    code=$?
    ms=$(($(now_ms) - t0))
    message=$(grep -v '^[[:space:]]*$' "$dir/out" | tail -n 1)
    case $code in
      0) result "$id" pass "$ms" "$message" ;;
      3) result "$id" skip "$ms" "$message" ;;
      124 | 137) result "$id" fail "$ms" "timed out after $limit s\${message:+ (last: $message)}" ;;
      *) result "$id" fail "$ms" "\${message:-exited $code}" ;;
    esac
  done

  # Where the logs end now: php-errors looks only at what comes after, next run.
  for f in "$LOG_DIR"/seed-php-fpm.log "$LOG_DIR"/seed-nginx-error.log; do
    [ -r "$f" ] && printf '%s %s\\n' "$f" "$(wc -c <"$f")"
  done >"$STATE_DIR/log-offsets"

  report "$site" "$started" "$marker" "$selection"
  status=${RUNNER_EXIT.pass}
  case $report in *'"result":"pass"'*) ;; *) status=${RUNNER_EXIT.fail} ;; esac
  [ "$selection" = all ] && streak_after "$site" "$status"
  [ -n "$NO_RECORD" ] && exit "$status"
  record "$site" "$report" "$status" || [ "$status" -ne ${RUNNER_EXIT.pass} ] || status=${RUNNER_EXIT.notRecorded}
  exit "$status"
}

# ---- scheduled runs: a freeze, the back-off and notifications ----
# Scheduler cannot see a run fail, so the runner keeps the streak of failed
# full scheduled runs. From ${BACKOFF.after} on, only every ${BACKOFF.every}th scheduled run runs;
# the others, and any while the site is frozen (a manual lock), record a skip.
# With --notify, the first failing scheduled run and the recovery publish once each.
count_of() {
  n=$(cat -- "$STATE_DIR/$1" 2>/dev/null)
  case $n in '' | *[!0-9]*) echo 0 ;; *) echo "$n" ;; esac
}

aws_region() {
  [ -n "\${AWS_REGION:-}" ] && return 0
  AWS_REGION=$(imds placement/region) || { log "cannot tell the AWS region"; return 1; }
  export AWS_REGION
}

notify() {
  [ -n "$NOTIFY" ] || return 0
  aws sns publish --topic-arn "$NOTIFY" --subject "hactl $1: staging tests $2" --message "Scheduled staging tests of $1 $2 (run $RUN_ID): see hactl test history" >/dev/null ||
    log "could not publish to $NOTIFY"
}

skip_run() {
  log "scheduled run skipped: $2"
  SKIPPED=$2 report "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '{}' all
  exit 0
}

scheduled_gate() {
  aws_region || return 0
  case $(aws ssm get-parameter --name "${lockParameterName('$1')}" --query Parameter.Value --output text 2>/dev/null) in
    *'"kind":"manual"'*) skip_run "$1" frozen ;;
  esac
  streak=$(count_of streak)
  [ "$streak" -ge ${BACKOFF.after} ] || return 0
  n=$(($(count_of backoff) + 1))
  echo "$n" >"$STATE_DIR/backoff"
  [ $((n % ${BACKOFF.every})) -eq 0 ] || skip_run "$1" backoff
}

streak_after() {
  if [ "$2" -eq 0 ]; then
    echo 0 >"$STATE_DIR/streak"
    rm -f -- "$STATE_DIR/backoff"
    [ "$TRIGGER" = schedule ] && [ -f "$STATE_DIR/notified" ] && rm -f -- "$STATE_DIR/notified" &&
      notify "$1" 'pass again'
  elif [ "$TRIGGER" = schedule ]; then
    echo $(($(count_of streak) + 1)) >"$STATE_DIR/streak"
    [ -f "$STATE_DIR/notified" ] || { touch "$STATE_DIR/notified"; notify "$1" fail; }
  fi
  return 0
}

# Records the summary with the instance role; only a full passing run becomes last-pass.
record() {
  summary=$(printf '%s\\n' "$2" | probe summary) || { log "$summary"; return 1; }
  aws_region || return 1
  aws ssm put-parameter --overwrite --type String --name "${lastRunParameterName('$1')}" --value "$summary" >/dev/null ||
    { log "could not record the run in SSM /hactl/$1/tests/last (does the instance role allow ssm:PutParameter on it?)"; return 1; }
  if [ "$3" -eq ${RUNNER_EXIT.pass} ] && [ "$selection" = all ]; then
    aws ssm put-parameter --overwrite --type String --name "${lastPassParameterName('$1')}" --value "$summary" >/dev/null ||
      { log "could not record the passing run in SSM /hactl/$1/tests/last-pass"; return 1; }
  fi
  log "recorded run $RUN_ID in SSM /hactl/$1/tests/last"
}

usage() {
  log "usage: staging-run [--trigger manual|schedule] [--only ID,...] [--skip ID,...] [--no-record] [--notify TOPIC_ARN] | --marker [--versions] | --versions"
  log "checks: $ALL_CHECKS"
  exit ${RUNNER_EXIT.usage}
}

TRIGGER=manual ONLY='' SKIP='' NO_RECORD='' CHECK='' MARKER_ONLY='' NOTIFY='' VERSIONS=''
while [ $# -gt 0 ]; do
  case $1 in
    --trigger) [ $# -ge 2 ] || usage; TRIGGER=$2; shift 2 ;;
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2 ;;
    --skip) [ $# -ge 2 ] || usage; SKIP=$2; shift 2 ;;
    --no-record) NO_RECORD=1; shift ;;
    --notify) [ $# -ge 2 ] || usage; NOTIFY=$2; shift 2 ;;
    --marker) MARKER_ONLY=1; shift ;;
    --versions) VERSIONS=1; shift ;;
    --check) [ $# -ge 2 ] || usage; CHECK=$2; shift 2 ;;
    *) log "unknown option $1"; usage ;;
  esac
done
case $TRIGGER in manual | schedule) ;; *) log "--trigger is manual or schedule, not $TRIGGER"; usage ;; esac
for id in $(printf '%s,%s' "$ONLY" "$SKIP" | tr ',' ' '); do
  in_list "$id" "$(echo "$ALL_CHECKS" | tr ' ' ',')" || { log "no check $id"; usage; }
done
if [ -n "$MARKER_ONLY" ]; then
  marker=$(compute_marker) || { log "could not compute the change marker in $APP_DIR"; exit 1; }
  # With --versions: the database's schema too, in the same line (one SSM command for the bake).
  if [ -n "$VERSIONS" ]; then
    marker=$(printf '%s' "$marker" | sed 's/}$//')
    marker="$marker,\\"dbSchema\\":\\"$(db_schema)\\"}"
  fi
  printf '%s\\n' "$marker"
  exit 0
fi
if [ -n "$VERSIONS" ]; then
  db=$(db_schema) || exit 1
  printf '{"codeSchema":"%s","dbSchema":"%s","appVersion":"%s"}\\n' "$(code_schema)" "$db" "$(app_version)"
  exit 0
fi
if [ -n "$CHECK" ]; then
  run_check "$CHECK"
fi
run_suite
`
}

/** Records the release's core checksums; the boot script runs it once, right after unpacking the code. */
export function stagingManifestScript(profile: AppProfile): string {
  const excludes = profile.stagingChecks.coreManifestExcludes ?? []
  const prune = excludes.length > 0 ? excludes.map((p) => `-path ${shellQuote(`./${p}`)}`).join(' -o ') : '-path ./.hactl-nothing-excluded'
  return `#!/bin/sh
# hactl: staging-manifest record - writes the md5 of every core file of the code
# as installed (the release, before anyone touched it) to ${CORE_MANIFEST}, which
# the staging check ${profile.app === 'wordpress' ? 'wp-core-checksums' : 'of core files'} verifies later. Offline: the
# release's own list needs the network and does not exist for git or S3 sources.
# Run again only after a deliberate core update on the seed.
set -eu
APP_DIR="\${HACTL_APP_DIR:-${profile.codeDir}}"
MANIFEST="\${HACTL_STAGING_MANIFEST:-${CORE_MANIFEST}}"
[ "\${1:-}" = record ] || { echo "usage: staging-manifest record" >&2; exit 2; }
tmp=$(mktemp "$MANIFEST.XXXXXX")
(cd -- "$APP_DIR" && find . -xdev \\( ${prune} \\) -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum) >"$tmp"
chmod 0644 "$tmp"
mv -f -- "$tmp" "$MANIFEST"
echo "staging-manifest: $(wc -l <"$MANIFEST") files recorded in $MANIFEST" >&2
`
}
