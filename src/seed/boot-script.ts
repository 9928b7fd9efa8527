/**
 * The seed's user data: one bash script, assembled from sections, that turns
 * a platform AMI (or a bake) into the seed. Idempotent; logs to
 * /var/log/hactl-boot.log and the journal; reports ok|failed to SSM.
 *
 * The files the seed installs do not fit in EC2's 16 KB of user data: they
 * go in a payload (seedPayload, one gzipped sh script) that `seed create`
 * puts in EB's storage bucket under a content-addressed key. The user data
 * pins it by sha256, downloads it, checks it and runs it.
 *
 *   logging ─► /etc/hactl/site ─► fetch + sha256 check of the payload
 *     ─► payload: files (cron, render step, DB-user step, web server, staging)
 *     ─► [runtime] stop EB's idle nginx/php-fpm ─► packages + phpredis ─► EFS mount
 *     ─► code (only when absent) + app config ─► render ─► DB app user ─► units ─► report
 *
 * HACTL_BOOT_PHASE=files stops after the files (the scratch-root test);
 * HACTL_SYSROOT prefixes every path written. Both are unset on an instance.
 * Cloud-init runs user data once per instance id, so a web node launched
 * from a bake never runs this; what it leaves in the image is checked by
 * test/src/seed/boot-script.test.ts against EB's expectations (AWS-NOTES-2 B.1).
 */
import {createHash} from 'node:crypto'
import {gzipSync} from 'node:zlib'

import {APP_PROFILES, type HactlConfig} from '../config'
import {COMMON_DEFAULTS} from '../config/app-defaults'
import {siteNames} from '../site/names'
import {STAGING_MANIFEST, stagingFiles} from '../staging'

import {renderMoodleConfig} from './app-config/moodle'
import {renderWpConfig} from './app-config/wordpress'
import {cloudwatchAgentSection} from './cloudwatch-agent'
import {cronFiles, shellQuote, type SeedFile, SEED_LIBEXEC, CRON_TIMER} from './cron'
import {dbUserFiles} from './db-user'
import {bootResultParameterName, SITE_NAME_FILE} from './pointers'
import {CONFIG_SERVICE, CONFIG_TIMER, renderConfigFiles} from './render-config'
import {FRONT_CONTROLLER, SEED_NGINX_SERVICE, SEED_PHP_FPM_SERVICE, seedWebFiles} from './web-server'

/** Where the code comes from when the seed has none yet. */
export type AppSource =
  | {readonly kind: 'release'; readonly version: string}
  | {readonly kind: 'git'; readonly url: string; readonly ref: string}
  | {readonly kind: 's3'; readonly uri: string}

export interface BootScriptOptions {
  readonly site: string
  readonly region: string
  readonly app: 'moodle' | 'wordpress'
  readonly source: AppSource
  /** Relative to the code (`wp-content/uploads`) or absolute (`/mnt/moodledata`). */
  readonly uploadsPath: string
  /** The Moodle ≥ 5.1 layout serves app/public. @default false */
  readonly publicDir?: boolean
  /** @default 'webapp' (EB's PHP platform user) */
  readonly phpUser?: string
  /** hactl.yml `staging`: the runner's checks and limits. @default the app's defaults */
  readonly staging?: HactlConfig['staging']
}

/** hactl.yml's staging defaults for an app (what `init` writes). */
function defaultStaging(app: BootScriptOptions['app']): HactlConfig['staging'] {
  return {
    checkLimitSeconds: COMMON_DEFAULTS.stagingCheckLimitSeconds,
    checks: [...APP_PROFILES[app].checks],
    custom: [],
    schedule: COMMON_DEFAULTS.schedule,
    suiteLimitSeconds: COMMON_DEFAULTS.stagingSuiteLimitSeconds,
    timezone: COMMON_DEFAULTS.timezone,
  }
}

/** EC2 refuses user data over 16 KB (before base64): the script goes gzipped, which cloud-init unpacks. */
export const USER_DATA_MAX_BYTES = 16 * 1024
const EOF_MARK = 'HACTL_FILE_EOF'

const CRON_COMMAND: Readonly<Record<'moodle' | 'wordpress', string[]>> = {
  moodle: ['php', 'admin/cli/cron.php'],
  wordpress: ['php', 'wp-cron.php'],
}

type Quote = '' | '"' | "'"

/** Scans a line of sh from a quote state: the state at its end, and where a comment starts outside quotes (or -1). */
function scanShLine(line: string, start: Quote): {state: Quote; comment: number} {
  let state = start
  for (let index = 0; index < line.length; index++) {
    const char = line[index]
    if (state === "'") {
      if (char === "'") state = ''
    } else if (char === '\\') {
      index++
    } else if (state === '"') {
      if (char === '"') state = ''
    } else if (char === "'" || char === '"') {
      state = char
    } else if (char === '#' && (index === 0 || /\s/.test(line[index - 1]))) {
      return {comment: index, state}
    }
  }

  return {comment: -1, state}
}

/**
 * The file as installed: the comments of sh and PHP files left out (the
 * shebang kept), and sh's indentation. The sources keep their comments and
 * shellcheck directives (the tests lint the sources); the seed needs none of
 * them, and they would push the gzipped user data past EC2's 16 KB. Text
 * inside a multi-line sh string is kept whatever it looks like.
 */
export function compactFile(file: SeedFile): SeedFile {
  const lines = file.content.split('\n')
  if (lines[0]?.startsWith('#!/bin/')) {
    let state: Quote = ''
    const kept: string[] = [lines[0]]
    for (const line of lines.slice(1)) {
      const inString = state !== ''
      const scan = scanShLine(line, state)
      state = scan.state
      const code = (scan.comment >= 0 ? line.slice(0, scan.comment) : line).trimEnd()
      // Indentation means nothing to sh outside a string; a line that was only a comment goes.
      if (inString) kept.push(scan.comment >= 0 ? code : line)
      else if (code.trim() !== '') kept.push(code.trimStart())
    }

    return {...file, content: `${kept.join('\n')}\n`}
  }

  if (file.path.endsWith('.php')) {
    // hactl's PHP has no multi-line strings: indentation and blank lines go too.
    const kept = lines.filter((line) => !/^\s*(\/\/|\/\*\*?(\s|$)|\*\/|\*(\s|$))/.test(line) && line.trim() !== '')
    return {...file, content: `${kept.map((line) => line.trimStart()).join('\n')}\n`}
  }

  return file
}

/** Every file the seed installs, in order (the scratch-root test checks this list). */
export function seedFiles(options: BootScriptOptions): SeedFile[] {
  const files = allSeedFiles(options).map(compactFile)
  // PHP next to PHP: gzip finds more of what they share.
  const isPhp = (file: SeedFile) => file.path.endsWith('.php')
  return [...files.filter((file) => !isPhp(file)), ...files.filter(isPhp)]
}

function allSeedFiles(options: BootScriptOptions): SeedFile[] {
  const user = options.phpUser ?? 'webapp'
  return [
    ...cronFiles({appDir: '/opt/hactl/app', command: CRON_COMMAND[options.app], user}),
    ...renderConfigFiles({phpGroup: user}),
    ...dbUserFiles(),
    ...seedWebFiles({frontController: FRONT_CONTROLLER[options.app], user}),
    {content: options.app === 'wordpress' ? renderWpConfig() : renderMoodleConfig(), mode: 0o644, path: `/etc/hactl/app-config.php`},
    ...stagingFiles({app: options.app, staging: options.staging ?? defaultStaging(options.app), uploads: {path: options.uploadsPath}}, {phpGroup: user}),
  ]
}

/** Both scripts' writer: stdin to SYSROOT/path with mode, atomically, only when it changed. */
const INSTALL_FILE = `install_file() {
  local target="$SYSROOT$1" mode=$2 tmp
  mkdir -p -- "$(dirname -- "$target")"
  tmp=$(mktemp "$target.hactl.XXXXXX")
  cat >"$tmp"
  chmod -- "$mode" "$tmp"
  if [[ -f $target ]] && cmp -s -- "$tmp" "$target"; then
    rm -f -- "$tmp"
  else
    mv -f -- "$tmp" "$target"
  fi
}`

function fileSection(file: SeedFile): string {
  if (file.content.split('\n').includes(EOF_MARK)) throw new Error(`${file.path} contains the line ${EOF_MARK}`)
  return `install_file ${shellQuote(file.path)} ${file.mode.toString(8).padStart(4, '0')} <<'${EOF_MARK}'
${file.content.endsWith('\n') ? file.content : `${file.content}\n`}${EOF_MARK}
`
}

/**
 * Moodle's download URL for a release: the branch folder is the major and the
 * two-digit minor (4.5.1 → stable405, 5.0.2 → stable500), as download.moodle.org
 * names its branches (MOODLE_405_STABLE).
 */
export function moodleReleaseUrl(version: string): string {
  const [major = '0', minor = '0'] = version.split('.')
  return `https://download.moodle.org/download.php/direct/stable${major}${minor.padStart(2, '0')}/moodle-${version}.tgz`
}

function sourceSection(source: AppSource, app: 'moodle' | 'wordpress'): string {
  switch (source.kind) {
    case 'release': {
      const url = app === 'wordpress' ? `https://wordpress.org/wordpress-${source.version}.tar.gz` : moodleReleaseUrl(source.version)
      return `fetch_code() { curl -fsSL --retry 3 ${shellQuote(url)} | tar -xz --strip-components=1 -C "$1"; }
readonly CODE_VERSION=${shellQuote(`${app}-${source.version}`)}`
    }
    case 'git':
      return `fetch_code() { git clone --depth 1 --branch ${shellQuote(source.ref)} ${shellQuote(source.url)} "$1"; }
readonly CODE_VERSION=${shellQuote(`${source.url}@${source.ref}`)}`
    case 's3':
      return `fetch_code() { aws s3 cp ${shellQuote(source.uri)} - | tar -xz -C "$1"; }
readonly CODE_VERSION=${shellQuote(source.uri)}`
  }
}

/** The seed's files as one sh script (run by the boot, as root): each file written with its mode. */
export function seedPayload(options: BootScriptOptions): string {
  return `#!/bin/bash
# hactl seed files for site ${options.site} (${options.app}), fetched and checked by the boot script.
set -euo pipefail
umask 022
SYSROOT="\${HACTL_SYSROOT:-}"
${INSTALL_FILE}
${seedFiles(options).map(fileSection).join('')}`
}

/** The payload as uploaded: gzipped, its sha256 (of the gzipped bytes) and its content-addressed key. */
export interface SeedPayloadObject {
  readonly text: string
  readonly body: Buffer
  readonly sha256: string
  readonly key: string
}

export function seedPayloadObject(options: BootScriptOptions): SeedPayloadObject {
  const text = seedPayload(options)
  const body = gzipSync(text, {level: 9})
  const sha256 = createHash('sha256').update(body).digest('hex')
  return {body, key: siteNames(options.site, options.region).seedFilesKey(sha256), sha256, text}
}

/**
 * The user data, as bash text (shellcheck and the secret scanner read this).
 * `bucket` is EB's storage bucket, where `seed create` puts the payload.
 */
export function bootScript(options: BootScriptOptions, bucket: string, payload: SeedPayloadObject = seedPayloadObject(options)): string {
  const user = options.phpUser ?? 'webapp'
  const configName = options.app === 'wordpress' ? 'wp-config.php' : 'config.php'
  const dbClient = options.app === 'moodle' ? 'postgresql15' : 'mariadb105'
  const hasManifest = seedFiles(options).some((file) => file.path === STAGING_MANIFEST)
  const script = `#!/bin/bash
# hactl seed boot for site ${options.site} (${options.app}). Idempotent. Logs to
# /var/log/hactl-boot.log and the journal; reports to SSM ${bootResultParameterName(options.site)}.
# No secret in here: only names and ARNs; secrets are read at run time into /run.
set -euo pipefail
umask 022

# Test seams; unset on an instance.
SYSROOT="\${HACTL_SYSROOT:-}"
PHASE="\${HACTL_BOOT_PHASE:-all}"
LOG="\${HACTL_BOOT_LOG:-/var/log/hactl-boot.log}"

readonly SITE=${shellQuote(options.site)}
readonly REGION=${shellQuote(options.region)}
readonly PHP_USER=${shellQuote(user)}
readonly APP_DIR=/opt/hactl/app
readonly UPLOADS_PATH=${shellQuote(options.uploadsPath)}
readonly FILES_URL=${shellQuote(`s3://${bucket}/${payload.key}`)}
readonly FILES_SHA256='${payload.sha256}'
${sourceSection(options.source, options.app)}
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"

mkdir -p -- "$(dirname -- "$LOG")"
if [[ -z $SYSROOT ]] && command -v systemd-cat >/dev/null; then
  exec > >(tee -a "$LOG" | systemd-cat -t hactl-boot) 2>&1
else
  exec > >(tee -a "$LOG") 2>&1
fi

step=starting
log() { printf 'hactl-boot: %s\\n' "$*"; }

# The result, for hactl seed create/status: status, reason, code version and
# the log's last 40 lines (which never hold a secret: nothing here prints one).
report() {
  local status=$1 reason=$2 value
  value=$(HACTL_STATUS="$status" HACTL_REASON="$reason" HACTL_VERSION="$CODE_VERSION" HACTL_TAIL="$(tail -n 40 -- "$LOG" 2>/dev/null || true)" \\
    php -r 'echo json_encode(["status" => getenv("HACTL_STATUS"), "reason" => getenv("HACTL_REASON"), "version" => getenv("HACTL_VERSION"), "at" => gmdate("c"), "log" => getenv("HACTL_TAIL")]);') || return 0
  aws ssm put-parameter --overwrite --type String --name ${shellQuote(bootResultParameterName(options.site))} --value "$value" >/dev/null ||
    log "could not write the boot result to SSM"
  printf 'hactl-boot: %s %s\\n' "$status" "$reason" >/dev/console 2>/dev/null || true
}
on_exit() {
  local code=$?
  if ((code != 0)); then
    log "FAILED during: $step (exit $code)"
    report failed "$step (exit $code)"
  fi
}
trap on_exit EXIT

${INSTALL_FILE}

printf '%s\\n' "$SITE" | install_file ${SITE_NAME_FILE} 0644

# The seed's files: a payload in EB's storage bucket, pinned by its sha256
# (the instance role's AWSElasticBeanstalkWebTier policy reads elasticbeanstalk-*).
step="fetch the seed's files"
log "$step"
files_dir="$SYSROOT/run/hactl"
install -d -m 0700 -- "$files_dir"
files_gz="$files_dir/seed-files.sh.gz"
for attempt in 1 2 3 4 5; do
  if aws s3 cp --only-show-errors "$FILES_URL" "$files_gz"; then
    break
  fi
  if ((attempt == 5)); then
    exit 1
  fi
  log "download failed (attempt $attempt of 5); retrying"
  sleep $((attempt * 3))
done
if ! printf '%s  %s\\n' "$FILES_SHA256" "$files_gz" | sha256sum -c --quiet -; then
  log "$FILES_URL does not have the sha256 this user data pins ($FILES_SHA256): a stale or altered object"
  rm -f -- "$files_gz"
  exit 1
fi
gzip -dc -- "$files_gz" >"$files_dir/seed-files.sh"

step='writing the seed files'
log "$step"
bash -- "$files_dir/seed-files.sh"
rm -f -- "$files_gz" "$files_dir/seed-files.sh"
if [[ $PHASE == files ]]; then
  exit 0
fi

step="stopping the platform's own nginx and php-fpm (for this boot only: EB enables them on web nodes)"
log "$step"
systemctl stop nginx.service php-fpm.service 2>/dev/null || true

step='installing packages (EFS utils, DB client, PHP build tools for phpredis)'
log "$step"
dnf install -y amazon-efs-utils ${dbClient} git tar
if ! php -m | grep -qix redis; then
  step='building phpredis (AL2023 has no php-pecl-redis)'
  log "$step"
  dnf install -y php-devel php-pear gcc make
  printf '\\n' | pecl install redis
  printf 'extension=redis.so\\n' | install_file /etc/php.d/41-redis.ini 0644
fi

step='mounting the uploads EFS (TLS, IAM, access point)'
log "$step"
pointers=$(aws ssm get-parameter --name "/hactl/$SITE/site" --query Parameter.Value --output text)
efs_id=$(HACTL_JSON="$pointers" php -f ${SEED_LIBEXEC}/site-json.php field efsId)
access_point=$(HACTL_JSON="$pointers" php -f ${SEED_LIBEXEC}/site-json.php field efsAccessPoint)
mount_point=$UPLOADS_PATH
if [[ $mount_point != /* ]]; then
  mount_point=/mnt/hactl-uploads
fi
mkdir -p -- "$mount_point"
line="$efs_id:/ $mount_point efs _netdev,tls,iam,accesspoint=$access_point 0 0"
if ! grep -qxF -- "$line" /etc/fstab; then
  awk -v dir="$mount_point" '/^[[:space:]]*#/ || $2 != dir' /etc/fstab >/etc/fstab.hactl
  printf '%s\\n' "$line" >>/etc/fstab.hactl
  mv -f /etc/fstab.hactl /etc/fstab
  systemctl daemon-reload
fi
mountpoint -q -- "$mount_point" || mount -- "$mount_point"

step='installing the code (only when absent: a seed from a bake keeps its code)'
log "$step"
if [[ ! -d $APP_DIR ]]; then
  mkdir -p /opt/hactl/app.new
  fetch_code /opt/hactl/app.new
  mv /opt/hactl/app.new "$APP_DIR"
  printf '%s\\n' "$CODE_VERSION" >/opt/hactl/code-version
${hasManifest ? `  # The release as installed: what the staging check of core files compares with.
  ${STAGING_MANIFEST} record
` : ''}fi
ln -sfn -- "$APP_DIR${options.publicDir ? '/public' : ''}" /opt/hactl/webroot
install -m 0644 /etc/hactl/app-config.php "$APP_DIR/${configName}"
if [[ $UPLOADS_PATH != /* ]]; then
  uploads_link="$APP_DIR/$UPLOADS_PATH"
  if [[ -d $uploads_link && ! -L $uploads_link ]]; then
    rmdir -- "$uploads_link"
  fi
  mkdir -p -- "$(dirname -- "$uploads_link")"
  ln -sfn -- "$mount_point" "$uploads_link"
fi
chown -R "$PHP_USER:$PHP_USER" "$APP_DIR"

step='rendering the configuration and the app DB user'
log "$step"
systemctl daemon-reload
systemctl start ${CONFIG_SERVICE}
${SEED_LIBEXEC}/db-app-user

${cloudwatchAgentSection(options.site)}
step='enabling the seed units'
log "$step"
systemctl enable --now ${CONFIG_TIMER} ${CRON_TIMER} ${SEED_PHP_FPM_SERVICE} ${SEED_NGINX_SERVICE}

step=reporting
log "ok: $CODE_VERSION"
report ok ''
`
  // The boot script's own comments go too (the header stays).
  const lines = script.split('\n')
  const headerEnd = lines.findIndex((line) => !line.startsWith('#'))
  return `${lines.slice(0, headerEnd).join('\n')}\n${compactFile({content: `#!/bin/bash\n${lines.slice(headerEnd).join('\n')}`, mode: 0o755, path: 'boot'}).content.replace(/^#!\/bin\/bash\n/, '')}`
}

/** The user data as RunInstances takes it (before base64): gzipped, under EC2's 16 KB. */
export function bootUserData(options: BootScriptOptions, bucket: string, payload?: SeedPayloadObject): Buffer {
  const data = gzipSync(bootScript(options, bucket, payload), {level: 9})
  if (data.length > USER_DATA_MAX_BYTES) throw new Error(`the seed's user data is ${data.length} bytes gzipped; EC2 allows ${USER_DATA_MAX_BYTES}`)
  return data
}
