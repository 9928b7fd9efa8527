/**
 * The render step: the only place a secret is ever written, and only to
 * tmpfs. A oneshot service runs it at boot before PHP-FPM, and a timer runs
 * it again every few minutes, so a rotated password or a moved endpoint is
 * followed without a redeploy. On every node (seed and web) alike.
 *
 *   hactl-config.service (boot, Before=php-fpm) ─┐
 *   hactl-config.timer (every 5 min)  ───────────┴─► render-config
 *        site name ─► ssm: /hactl/<site>/site (pointers) ─► secretsmanager: app secret, cache secret
 *        role-is-seed ─► seed | web
 *        site-json.php render ─► /run/hactl/site.php  (0640 root:<php group>, atomic rename)
 *                               /run/hactl/role      (0644)
 *
 * A failed render (AWS unreachable, a secret missing) keeps the previous
 * file: a node that was serving keeps serving. The app's config files
 * (app-config/) only `require` the rendered file.
 */
import {SEED_LIBEXEC, shellQuote, type SeedFile} from './cron'
import {pointerParameterName, RUN_DIR, SITE_NAME_FILE} from './pointers'

export const CONFIG_SERVICE = 'hactl-config.service'
export const CONFIG_TIMER = 'hactl-config.timer'

export interface RenderConfigOptions {
  /** The PHP-FPM pool's group: it may read site.php, nobody else but root. @default 'webapp' */
  readonly phpGroup?: string
  /** How often the timer renders again, in minutes. @default 5 */
  readonly everyMinutes?: number
}

/**
 * Bash functions shared by the seed's scripts that read the site's pointers:
 * `log`, `die`, `site_name`, `aws_region`, `read_pointers`, `pointer`, `secret`.
 * Expects `TAG` (the log prefix) to be set. Test seams are environment
 * variables that are unset on an instance.
 */
export function pointerFunctions(): string {
  return `# Test seams; unset on an instance.
IMDS_URL="\${HACTL_IMDS_URL:-http://169.254.169.254}"
GET_CONFIG="\${HACTL_GET_CONFIG:-/opt/elasticbeanstalk/bin/get-config}"
SITE_FILE="\${HACTL_SITE_FILE:-${SITE_NAME_FILE}}"
LIBEXEC="\${HACTL_LIBEXEC:-${SEED_LIBEXEC}}"

log() { printf '%s: %s\\n' "$TAG" "$*" >&2; }
die() {
  printf '%s: ERROR: %s\\n' "$TAG" "$*" >&2
  exit 1
}

# The site's name: EB's HACTL_SITE on a web node, /etc/hactl/site (written by
# the seed's user data) on the seed. A web node baked from the seed has both;
# EB's answer wins there, and it names the same site.
site_name() {
  local site=''
  if [[ -x $GET_CONFIG ]]; then
    site=$("$GET_CONFIG" environment -k HACTL_SITE 2>/dev/null || true)
  fi
  if [[ -z $site && -r $SITE_FILE ]]; then
    site=$(tr -d '[:space:]' <"$SITE_FILE")
  fi
  [[ $site =~ ^[a-z][a-z0-9-]{0,22}$ ]] || die "no site name (EB property HACTL_SITE or $SITE_FILE), or not a hactl site name: \\"$site\\""
  printf '%s\\n' "$site"
}

# The region for the AWS CLI: the environment's, else this instance's (IMDSv2).
aws_region() {
  local token
  if [[ -n \${AWS_REGION:-} ]]; then
    printf '%s\\n' "$AWS_REGION"
    return
  fi
  token=$(curl -fsS --connect-timeout 1 --max-time 3 -X PUT \\
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$IMDS_URL/latest/api/token") || return 1
  curl -fsS --connect-timeout 1 --max-time 3 \\
    -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/meta-data/placement/region"
}

# Sets POINTERS to the JSON of the SSM parameter /hactl/<site>/site.
read_pointers() {
  local site=$1
  POINTERS=$(aws ssm get-parameter --name "${pointerParameterName('$site')}" --query Parameter.Value --output text) ||
    die "cannot read the SSM parameter ${pointerParameterName('$site')} (does the instance role allow ssm:GetParameter on it?)"
}

# One field of the pointers (empty when absent).
pointer() { HACTL_JSON="$POINTERS" php -f "$LIBEXEC/site-json.php" field "$1"; }

# A secret's string value, by ARN; never logged.
secret() {
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text ||
    die "cannot read the secret $1 (does the instance role allow secretsmanager:GetSecretValue on it?)"
}
`
}

/** The bash script that renders /run/hactl/site.php and /run/hactl/role. */
export function renderConfigScript(options: RenderConfigOptions = {}): string {
  const group = options.phpGroup ?? 'webapp'
  return `#!/bin/bash
# hactl: renders the site's configuration into ${RUN_DIR} (tmpfs), the only
# place a secret is written: site.php (a PHP array: pointers + the app's DB
# credentials + the cache AUTH token, 0640 root:${group}) and role (seed|web).
# Runs at boot before PHP-FPM and every few minutes (a rotated secret is
# followed). A failure keeps the previous file.
set -euo pipefail
umask 077

readonly TAG=hactl-config
${pointerFunctions()}
RUN_DIR="\${HACTL_RUN_DIR:-${RUN_DIR}}"
ROLE_GATE="\${HACTL_ROLE_GATE:-$LIBEXEC/role-is-seed}"
PHP_GROUP="\${HACTL_PHP_GROUP:-${shellQuote(group)}}"

tmp=''
cleanup() { [[ -z $tmp ]] || rm -f -- "$tmp"; }
trap cleanup EXIT

# Moves the finished temporary file onto $1 with mode $2: readers see the old
# file or the new one, never half of one.
publish() {
  local target=$1 mode=$2
  chgrp -- "$PHP_GROUP" "$tmp"
  chmod -- "$mode" "$tmp"
  mv -f -- "$tmp" "$target"
  tmp=''
}

site=$(site_name)
region=$(aws_region) || die "cannot tell the AWS region (AWS_REGION unset and instance metadata unreachable)"
export AWS_DEFAULT_REGION="$region" AWS_REGION="$region"
read_pointers "$site"

app_secret_arn=$(pointer dbAppSecretArn)
[[ -n $app_secret_arn ]] || die "the pointers of $site name no app DB secret (dbAppSecretArn)"
app_secret=$(secret "$app_secret_arn")
cache_secret=''
cache_secret_arn=$(pointer cacheSecretArn)
if [[ -n $cache_secret_arn ]]; then
  cache_secret=$(secret "$cache_secret_arn")
fi

# The role decides what the admin pages may change (file mods, updates);
# an unreadable tag means web, as for cron.
role=web
if "$ROLE_GATE"; then
  role=seed
fi

install -d -m 0750 -g "$PHP_GROUP" -- "$RUN_DIR"
tmp=$(mktemp "$RUN_DIR/.site.php.XXXXXX")
HACTL_POINTERS="$POINTERS" HACTL_APP_SECRET="$app_secret" HACTL_CACHE_SECRET="$cache_secret" HACTL_ROLE="$role" \\
  php -f "$LIBEXEC/site-json.php" render >"$tmp"
publish "$RUN_DIR/site.php" 0640
tmp=$(mktemp "$RUN_DIR/.role.XXXXXX")
printf '%s\\n' "$role" >"$tmp"
publish "$RUN_DIR/role" 0644
log "rendered $RUN_DIR/site.php for $site (role $role)"
`
}

/**
 * The PHP helper behind render-config: `field NAME` prints one pointer from
 * $HACTL_JSON; `render` prints site.php from the pointers, the secrets and
 * the role in the environment. PHP, because it is on every node (the EB PHP
 * platform) and its var_export quotes any password correctly, where bash and
 * sed would not. Error messages never include a value.
 */
export function siteJsonPhp(): string {
  return `<?php
// hactl: JSON helper for render-config (field NAME | render). Never prints a secret to stderr.
function hactl_fail(string $why): void {
    fwrite(STDERR, "hactl-config: ERROR: $why\\n");
    exit(1);
}

function hactl_json(string $name, bool $required = true): array {
    $raw = getenv($name);
    if ($raw === false || $raw === '') {
        if ($required) hactl_fail("$name is empty");
        return [];
    }
    $value = json_decode($raw, true);
    return is_array($value) ? $value : ['password' => $raw];
}

function hactl_render(): void {
    $p = hactl_json('HACTL_POINTERS');
    foreach (['app', 'site', 'dbEngine', 'dbEndpoint', 'dbPort', 'dbName'] as $key) {
        if (!isset($p[$key]) || $p[$key] === '') hactl_fail("the pointers have no $key");
    }
    $app = hactl_json('HACTL_APP_SECRET');
    if (empty($app['username']) || empty($app['password'])) hactl_fail('the app DB secret needs "username" and "password"');
    $cache = hactl_json('HACTL_CACHE_SECRET', false);
    $role = getenv('HACTL_ROLE') === 'seed' ? 'seed' : 'web';
    $site = [
        'app' => (string) $p['app'],
        'site' => (string) $p['site'],
        'role' => $role,
        'url' => (string) ($p['url'] ?? ''),
        'hstsMaxAge' => (int) ($p['hstsMaxAge'] ?? 0),
        'db' => [
            'engine' => (string) $p['dbEngine'],
            'host' => (string) $p['dbEndpoint'],
            'port' => (int) $p['dbPort'],
            'name' => (string) $p['dbName'],
            'reader' => (string) ($p['dbReaderEndpoint'] ?? ''),
            'user' => (string) $app['username'],
            'password' => (string) $app['password'],
        ],
        'cache' => [
            'engine' => (string) ($p['cacheEngine'] ?? ''),
            'host' => (string) ($p['cacheEndpoint'] ?? ''),
            'port' => (int) ($p['cachePort'] ?? 0),
            'tls' => (bool) ($p['cacheTls'] ?? true),
            'user' => (string) ($cache['username'] ?? ''),
            'password' => (string) ($cache['password'] ?? ''),
        ],
        'uploads' => (string) ($p['uploadsPath'] ?? ''),
        // Keys and salts shared by every node (WordPress AUTH_KEY...), from the app secret.
        'keys' => is_array($app['keys'] ?? null) ? $app['keys'] : [],
    ];
    echo "<?php\\n// Written by hactl render-config. Lives only under /run (tmpfs): never copy it to disk.\\nreturn ";
    echo var_export($site, true), ";\\n";
}

$mode = $argv[1] ?? '';
if ($mode === 'field') {
    $value = hactl_json('HACTL_JSON')[$argv[2] ?? ''] ?? '';
    if (is_bool($value)) $value = $value ? 'true' : 'false';
    if (!is_scalar($value)) hactl_fail('field ' . ($argv[2] ?? '') . ' is not a scalar');
    echo $value;
} elseif ($mode === 'render') {
    hactl_render();
} else {
    hactl_fail('usage: site-json.php field NAME | render');
}
`
}

/** The oneshot service: at boot before PHP-FPM (EB's and the seed's own), and on each timer tick. */
export function configServiceUnit(): string {
  return `# hactl: renders ${RUN_DIR}/site.php (secrets, tmpfs only) before PHP starts, and again on ${CONFIG_TIMER}.
[Unit]
Description=hactl: render the site's configuration into ${RUN_DIR}
Wants=network-online.target
After=network-online.target
Before=php-fpm.service hactl-seed-php-fpm.service nginx.service hactl-seed-nginx.service

[Service]
Type=oneshot
ExecStart=${SEED_LIBEXEC}/render-config
# AWS may be slow to answer at boot: retry rather than start PHP without a config.
Restart=on-failure
RestartSec=10
TimeoutStartSec=120

[Install]
WantedBy=multi-user.target
`
}

/** The timer: renders again every few minutes, so rotated secrets are followed. */
export function configTimerUnit(options: RenderConfigOptions = {}): string {
  const every = options.everyMinutes ?? 5
  return `# hactl: renders the site's configuration again every ${every} minutes (rotated secrets, moved endpoints).
[Unit]
Description=hactl: refresh the site's configuration every ${every} minutes

[Timer]
OnCalendar=*-*-* *:00/${every}:00
RandomizedDelaySec=30

[Install]
WantedBy=timers.target
`
}

/** Every file of the render step, in install order. */
export function renderConfigFiles(options: RenderConfigOptions = {}): SeedFile[] {
  return [
    {content: siteJsonPhp(), mode: 0o644, path: `${SEED_LIBEXEC}/site-json.php`},
    {content: renderConfigScript(options), mode: 0o755, path: `${SEED_LIBEXEC}/render-config`},
    {content: configServiceUnit(), mode: 0o644, path: `/etc/systemd/system/${CONFIG_SERVICE}`},
    {content: configTimerUnit(options), mode: 0o644, path: `/etc/systemd/system/${CONFIG_TIMER}`},
  ]
}
