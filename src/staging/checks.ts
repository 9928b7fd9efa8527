/**
 * The staging checks every app shares, and the custom checks from hactl.yml,
 * as sh function bodies for the runner (src/staging/runner.ts documents the
 * helpers they call: pass/fail/skip, http_check, probe, site_value...).
 * The app's own checks come from its profile (src/apps/<app>.ts).
 */
import {type AppProfile, type AppStagingCheck} from '../apps'
import {type HactlConfig} from '../config'
import {shellQuote} from '../seed/cron'

/** Slowest acceptable answer of a built-in HTTP check, in milliseconds. */
export const HTTP_MAX_MS = 3000

/** A cron heartbeat older than this fails: cron runs every minute, one run may take up to 15 minutes. */
export const HEARTBEAT_MAX_SECONDS = 20 * 60

/**
 * Checks that run as root rather than as the test user, each with why.
 * Only read-only ones, with no input from hactl.yml.
 */
export const PRIVILEGED_CHECKS: Readonly<Record<string, string>> = {
  // A secret in a root-only file (a 0600 log, /etc) is still captured by the
  // next bake, and the test user cannot read such files.
  'no-secrets-on-disk': 'reads root-only files to find a leaked secret',
  // The seed's PHP-FPM and nginx logs are written by their root master processes (0600).
  'php-errors': 'reads the seed\'s root-owned PHP-FPM and nginx error logs',
}

/** A check as the runner takes it: an id, a sh body, its own time limit if any. */
export interface RunnerCheck {
  readonly id: string
  readonly script: string
  /** Overrides the per-check limit (custom shell checks). */
  readonly limitSeconds?: number
}

function httpCheck(path: string, expect: {status?: number; contains?: string; matches?: string; maxMs?: number}): string {
  const args = [path, String(expect.status ?? 200), expect.contains ?? '', expect.matches ?? ''].map((a) => shellQuote(a))
  // Built-in checks take the runner's HTTP_MAX_MS (${HTTP_MAX_MS} unless a test seam says otherwise); custom ones their own.
  return `http_check ${args.join(' ')} ${expect.maxMs ?? '"$HTTP_MAX_MS"'}`
}

/** The common checks, in report order, for one app. */
export function commonChecks(profile: AppProfile): Record<string, string> {
  const s = profile.stagingChecks
  return {
    'cache-connect': `out=$(probe cache) || fail "$out"
pass "$out"`,
    'cron-heartbeat': `out=$(probe heartbeat "$HEARTBEAT" ${HEARTBEAT_MAX_SECONDS}) || fail "$out"
pass "$out"`,
    'db-connect': `out=$(probe db) || fail "$out"
pass "$out"`,
    'http-health': `# The health script arrives with the EB bundle (src/env/bundle.ts): a seed that has none says so.
# (A file test, not a 404: WordPress answers an unknown path with its front page.)
[ -f "$WEB_ROOT${profile.healthEndpoint}" ] || skip "the seed serves no ${profile.healthEndpoint} (it comes with the EB bundle)"
${httpCheck(profile.healthEndpoint, {})}`,
    'http-home': httpCheck('/', {}),
    'http-login': httpCheck(s.login.path, {contains: s.login.marker}),
    'http-static': httpCheck(s.staticAsset, {}),
    'no-secrets-on-disk': `list="$WORK/secrets.$$"
n=$(probe secrets "$list") || fail "$n"
[ "$n" -gt 0 ] || { rm -f -- "$list"; skip "site.php holds no secret to look for"; }
# -l: names only, the secret itself is never printed; /run (tmpfs, never baked) is not searched.
# shellcheck disable=SC2086 # SECRET_DIRS is a list of directories
found=$(grep -rlsIF -f "$list" -- $SECRET_DIRS 2>/dev/null | head -n 10 | tr '\\n' ' ')
rm -f -- "$list"
[ -z "$found" ] || fail "a secret from site.php is on disk in: $found"
pass "none of $n secrets found under $SECRET_DIRS"`,
    'php-errors': `# Only what was logged since the previous run (the runner keeps the offsets).
found=''
for log in "$LOG_DIR"/seed-php-fpm.log "$LOG_DIR"/seed-nginx-error.log; do
  [ -e "$log" ] || continue
  [ -r "$log" ] || skip "cannot read $log as $(id -un)"
  from=$(sed -n "s|^$log ||p" "$STATE_DIR/log-offsets" 2>/dev/null | tail -n 1)
  size=$(wc -c <"$log")
  [ -n "$from" ] && [ "$from" -le "$size" ] || from=0
  hits=$(tail -c +"$((from + 1))" -- "$log" | grep -c -E 'PHP (Fatal|Parse) error')
  [ "$hits" -eq 0 ] || found="$found $(basename -- "$log"): $hits"
done
[ -z "$found" ] || fail "PHP fatal or parse errors since the last run:$found"
pass "no PHP fatal or parse error logged since the last run"`,
    'uploads-on-efs': `configured=$(site_value uploads)
[ -n "$configured" ] || fail "site.php names no uploads path"
case $configured in
  /*) mount=$configured ;;
  *)
    mount=$UPLOADS_MOUNT
    target=$(readlink -f -- "$APP_DIR/$configured") || fail "$APP_DIR/$configured does not resolve"
    [ "$target" = "$(readlink -f -- "$mount")" ] || fail "$APP_DIR/$configured is $target, not the mount $mount"
    ;;
esac
mountpoint -q -- "$mount" || fail "$mount is not a mount point: uploads would go to local disk"
# The last line: the mount on top when several are stacked on one directory.
fstype=$(findmnt -n -o FSTYPE -T "$mount" | tail -n 1)
[ "$fstype" = "$EFS_FSTYPE" ] || fail "$mount is $fstype, not $EFS_FSTYPE (EFS)"
probe_file="$mount/.hactl-staging-probe-$RUN_ID-$$"
printf '%s\\n' "$RUN_ID" >"$probe_file" 2>/dev/null || fail "cannot write $probe_file as $(id -un)"
back=$(cat -- "$probe_file" 2>/dev/null)
rm -f -- "$probe_file" || fail "cannot delete $probe_file"
[ "$back" = "$RUN_ID" ] || fail "read back something else from $probe_file"
[ ! -e "$probe_file" ] || fail "$probe_file is still there after delete"
pass "$mount is $fstype; write, read and delete work"`,
  }
}

/** The custom checks of hactl.yml, as runner checks. */
export function customChecks(custom: HactlConfig['staging']['custom']): RunnerCheck[] {
  return custom.map((check): RunnerCheck => {
    if (check.http) return {id: check.id, script: httpCheck(check.http.path, check.http)}
    if (check.shell) {
      return {
        id: check.id,
        limitSeconds: check.shell.timeoutSeconds,
        script: `out=$(cd -- "$APP_DIR" && sh -c ${shellQuote(check.shell.command)} 2>&1); code=$?
last=$(printf '%s\\n' "$out" | tail -n 1)
[ "$code" -eq 0 ] || fail "exited $code: $last"
pass "exited 0\${last:+: $last}"`,
      }
    }

    throw new Error(`custom check ${check.id} has neither http nor shell`)
  })
}

/** Every check the config enables, in order: built-in (as configured), then custom. */
export function runnerChecks(profile: AppProfile, staging: HactlConfig['staging']): RunnerCheck[] {
  const common = commonChecks(profile)
  const own = new Map<string, AppStagingCheck>(profile.stagingChecks.checks.map((c) => [c.id, c]))
  const builtIn = staging.checks.map((id): RunnerCheck => {
    const script = common[id] ?? own.get(id)?.script
    if (script === undefined) throw new Error(`${profile.label} has no staging check ${id}`)
    return {id, script}
  })
  return [...builtIn, ...customChecks(staging.custom)]
}
