/**
 * The seed's user data for a site, from hactl.yml, checked by the secret
 * scanner before it goes anywhere near EC2 (invariant 5: user data is
 * readable by anyone with ec2:DescribeInstanceAttribute, and stays with the
 * instance for its life).
 */
import type {HactlConfig} from '../config/schema'
import type {Tags} from '../aws/types'
import {HactlError} from '../core/errors'
import {plaintextSecrets, secretsInText} from '../security/secret-scan'
import {bootScript, bootUserData, seedPayloadObject, type AppSource, type BootScriptOptions, type SeedPayloadObject} from './boot-script'

/**
 * Where the code comes from until hactl.yml names it (issue 9 suggests an
 * `app.source` key; the config has none yet): the official release of a
 * version hactl was written against. A seed launched from a bake keeps the
 * code it has, whatever this says.
 */
export const DEFAULT_SOURCE: Readonly<Record<HactlConfig['app'], AppSource>> = {
  moodle: {kind: 'release', version: '4.5.1'},
  wordpress: {kind: 'release', version: '6.7.1'},
}

export function seedBootOptions(config: HactlConfig): BootScriptOptions {
  return {
    app: config.app,
    region: config.region,
    site: config.site,
    source: DEFAULT_SOURCE[config.app],
    staging: config.staging,
    uploadsPath: config.uploads.path ?? '',
  }
}

/** Where the scanner found something; the value itself is never repeated. */
function secretError(where: string, findings: ReadonlyArray<{why: string; line?: number; name?: string; key?: string}>): HactlError {
  const first = findings[0]
  const place = first.line === undefined ? (first.key ?? first.name ?? '') : `line ${first.line}${first.name ? ` (${first.name})` : ''}`
  return new HactlError('secret-in-seed', `The seed's ${where} holds what looks like a secret at ${place}: ${first.why}. Nothing was launched.`, {
    data: {findings: findings.length, where},
    suggestions: ['Keep secrets in Secrets Manager and pass only their names or ARNs; check the extra tags in hactl.yml.'],
  })
}

/**
 * The gzipped user data and the payload it pins, after both scripts and the
 * tags passed the secret scanner: the payload sits in a bucket the instance
 * role can read, so it is held to the same rule as the user data.
 */
export function checkedUserData(options: BootScriptOptions, tags: Tags, bucket: string): {userData: Buffer; payload: SeedPayloadObject} {
  const payload = seedPayloadObject(options)
  const inScript = secretsInText(bootScript(options, bucket, payload))
  if (inScript.length > 0) throw secretError('boot script', inScript)
  const inPayload = secretsInText(payload.text)
  if (inPayload.length > 0) throw secretError('files', inPayload)
  const inTags = plaintextSecrets(tags)
  if (inTags.length > 0) throw secretError('tags', inTags)
  return {payload, userData: bootUserData(options, bucket, payload)}
}
