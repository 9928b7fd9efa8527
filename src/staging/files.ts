/**
 * What the seed installs for the staging tests, as `{path, mode, content}`
 * like cronFiles: wiring it into the boot script is one line in seedFiles
 * (`...stagingFiles(config)`) plus, after the code is unpacked,
 * `${STAGING_MANIFEST} record` when the app has a core manifest.
 */
import {profileFor} from '../apps'
import {type HactlConfig} from '../config'
import {type SeedFile} from '../seed/cron'

import {stagingProbePhp} from './probe'
import {STAGING_MANIFEST, STAGING_PROBE, STAGING_RUNNER, STAGING_USER, stagingManifestScript, stagingRunScript} from './runner'

export interface StagingFilesOptions {
  /** The PHP user's group, which the test user joins. @default 'webapp' */
  readonly phpGroup?: string
}

/** systemd-sysusers: the test user, a system user with no login, in the PHP group. */
export function sysusersConf(phpGroup: string): string {
  return `# hactl: the staging tests' user: reads what PHP reads (group ${phpGroup}), owns nothing, no login.
u ${STAGING_USER} - "hactl staging tests" /nonexistent /usr/sbin/nologin
m ${STAGING_USER} ${phpGroup}
`
}

export function stagingFiles(config: Pick<HactlConfig, 'app' | 'staging'> & {readonly uploads: Pick<HactlConfig['uploads'], 'path'>}, options: StagingFilesOptions = {}): SeedFile[] {
  const profile = profileFor(config.app)
  const phpGroup = options.phpGroup ?? 'webapp'
  const files: SeedFile[] = [
    {content: stagingProbePhp(), mode: 0o644, path: STAGING_PROBE},
    {content: stagingRunScript({phpGroup, profile, staging: config.staging, uploadsPath: config.uploads.path}), mode: 0o755, path: STAGING_RUNNER},
    {content: sysusersConf(phpGroup), mode: 0o644, path: '/etc/sysusers.d/hactl-staging.conf'},
  ]
  if (profile.stagingChecks.coreManifestExcludes) files.push({content: stagingManifestScript(profile), mode: 0o755, path: STAGING_MANIFEST})
  return files
}
