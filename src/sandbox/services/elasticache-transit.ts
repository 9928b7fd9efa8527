import type {CreateReplicationGroupCommandInput, ModifyReplicationGroupCommandInput, TransitEncryptionMode} from '@aws-sdk/client-elasticache'

import {errors, versionAtLeast, type ReplicationGroupRecord} from './elasticache-model'

/*
 * In-transit encryption of Redis/Valkey replication groups: the mode
 * (`required` refuses plaintext clients, `preferred` still accepts them) and
 * AWS's rules for setting it at creation and migrating it afterwards
 * (ModifyReplicationGroup), in both directions through `preferred`.
 */

/** What a group ends up with: TLS on or off and, when on, its mode. */
export interface TransitSetting {
  readonly enabled: boolean
  readonly mode: TransitEncryptionMode | undefined
}

const MODES: readonly string[] = ['preferred', 'required']

/** TransitEncryptionMode came with Redis OSS 7.0.5 (every Valkey has it). */
const REDIS_MODE_SINCE = [7, 0, 5]

/** AWS's wording when an AUTH token (Redis access control) meets TLS changes. */
const ACCESS_CONTROL_PREFERRED = 'Transit encryption preferred is not supported with redis access control.'

function checkModeValue(mode: string | undefined): TransitEncryptionMode | undefined {
  if (mode === undefined) return undefined
  if (!MODES.includes(mode)) throw errors.invalidValue(`Invalid value for TransitEncryptionMode: ${mode}. Valid values are preferred, required.`)
  return mode as TransitEncryptionMode
}

function checkEngineHasModes(engine: string, engineVersion: string): void {
  if (engine === 'redis' && !versionAtLeast(engineVersion, REDIS_MODE_SINCE)) {
    throw errors.combination(`Transit encryption mode is not supported for engine version ${engineVersion}. Please use engine version 7.0.5 or higher.`)
  }
}

/**
 * TLS at creation: a mode needs TransitEncryptionEnabled true; TLS without a
 * mode is `required` (what AWS sets for a new group); `preferred` is refused
 * with an AUTH token.
 */
export function createTransitSetting(input: CreateReplicationGroupCommandInput, engine: string, engineVersion: string): TransitSetting {
  const mode = checkModeValue(input.TransitEncryptionMode)
  const enabled = input.TransitEncryptionEnabled ?? false
  if (mode === undefined) return {enabled, mode: enabled ? 'required' : undefined}
  if (!enabled) throw errors.combination('TransitEncryptionMode can be specified only when TransitEncryptionEnabled is true.')
  checkEngineHasModes(engine, engineVersion)
  if (mode === 'preferred' && input.AuthToken !== undefined) throw errors.combination(ACCESS_CONTROL_PREFERRED)
  return {enabled, mode}
}

/** The group's mode as describe calls show it (records from older state files have TLS but no stored mode: `required`). */
export function transitModeOf(group: ReplicationGroupRecord): TransitEncryptionMode | undefined {
  return group.transitEncryption ? (group.transitEncryptionMode ?? 'required') : undefined
}

/**
 * A TLS change on an existing group, as AWS allows it: off → `preferred`
 * (TransitEncryptionEnabled true with mode `preferred` in one request) →
 * `required`, and back: `required` → `preferred` → off. Never with an AUTH
 * token. Undefined when the request changes nothing about TLS.
 */
export function modifiedTransitSetting(group: ReplicationGroupRecord, input: ModifyReplicationGroupCommandInput): TransitSetting | undefined {
  const mode = checkModeValue(input.TransitEncryptionMode)
  if (input.TransitEncryptionEnabled === undefined && mode === undefined) return undefined
  if (group.authTokenEnabled) throw errors.combination('Modification of transit encryption is not supported for access control enabled clusters.')
  const current: TransitSetting = {enabled: group.transitEncryption, mode: transitModeOf(group)}
  const enabled = input.TransitEncryptionEnabled ?? current.enabled
  if (mode !== undefined) {
    if (!enabled) throw errors.combination('To modify transit encryption mode, set encryption-in-transit as enabled.')
    checkEngineHasModes(group.engine, group.engineVersion)
  }

  if (enabled && !current.enabled) {
    // Off → on goes through preferred first.
    if (mode !== 'preferred') {
      throw errors.combination('To enable in-transit encryption on an existing replication group, set TransitEncryptionMode to preferred in the same request.')
    }

    checkEngineHasModes(group.engine, group.engineVersion)
    return {enabled, mode}
  }

  if (!enabled && current.enabled && current.mode !== 'preferred') {
    // On → off also goes through preferred.
    throw errors.combination('To disable in-transit encryption, first set TransitEncryptionMode to preferred.')
  }

  return enabled ? {enabled, mode: mode ?? current.mode} : {enabled, mode: undefined}
}
