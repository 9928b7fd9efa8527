import type {ParameterType} from '@aws-sdk/client-ssm'

import type {RegionState} from '../types'
import type {ShellResult} from './ssm-shell'

/*
 * The SSM state and what the SSM handlers share: parameters (ssm.ts), Run
 * Command records (ssm-commands.ts) and what the simulated seeds have
 * reported (ssm-seed.ts). Times are simulated ms.
 */

/** One parameter as kept in the state file (times in simulated ms). */
export interface SsmParameterRecord {
  readonly name: string
  type: ParameterType
  value: string
  version: number
  lastModified: number
  description: string | undefined
  /** Earlier versions, oldest first: with the current one, the newest 100 (GetParameterHistory). Absent in older state files. */
  history?: SsmParameterVersion[]
}

/** One earlier version of a parameter. */
export interface SsmParameterVersion {
  readonly version: number
  readonly type: ParameterType
  readonly value: string
  readonly lastModified: number
}

/** Parameter Store keeps the newest 100 versions and drops the oldest (unlabelled) one on each put. */
export const VERSIONS_KEPT = 100

/** Keeps the current version in the history before it is overwritten. */
export function keepVersion(record: SsmParameterRecord): void {
  record.history = [...(record.history ?? []), {version: record.version, type: record.type, value: record.value, lastModified: record.lastModified}].slice(-(VERSIONS_KEPT - 1))
}

/** One instance's part of a command: its result is decided when sent (the sandbox's shell is deterministic). */
export interface InvocationRecord {
  readonly instanceId: string
  readonly result: ShellResult
  /** Set by the advance phase once the invocation has ended. */
  finished?: {readonly at: number; readonly status: 'Success' | 'Failed' | 'TimedOut'; readonly details: string; readonly responseCode: number}
}

export interface CommandRecord {
  /** A UUID, as SSM's command ids are. */
  readonly id: string
  readonly documentName: string
  readonly comment: string
  readonly commands: string[]
  readonly parameters: Record<string, string[]>
  readonly requestedAt: number
  /** SendCommand TimeoutSeconds: the delivery limit. */
  readonly timeoutSeconds: number
  /** AWS-RunShellScript executionTimeout in seconds: the run limit. */
  readonly executionTimeout: number
  readonly invocations: InvocationRecord[]
}

/** What a seed instance's simulated boot has reported so far. */
export interface SeedRecord {
  readonly site: string
  /** When it wrote its boot result; undefined until it has. */
  bootReportedAt?: number
  /** Its boot reported failed (the injected fault, or its files missing or not the ones its user data pins). */
  bootFailed?: boolean
  /** The seed's change counter: every SendCommand to it adds one (ssm.md). */
  changes: number
}

export interface SsmState {
  /** By exact (case-sensitive) name. */
  parameters: Record<string, SsmParameterRecord>
  /** Run Command commands, oldest first. */
  commands: CommandRecord[]
  /** By instance id: the seeds the sandbox has booted. */
  seeds: Record<string, SeedRecord>
  /** By site: the schema versions of the seed's code and of the database it shares with production (ssm-staging.ts). Absent in older state files. */
  schemas?: Record<string, SiteSchema>
}

/** A site's simulated schema versions (WordPress `$wp_db_version` / `db_version`, Moodle `$version`). */
export interface SiteSchema {
  code: string
  db: string
}

export function ssmSlice(region: RegionState): SsmState {
  region.ssm ??= {parameters: {}, commands: [], seeds: {}}
  return region.ssm
}

/** Writes a String parameter as `aws ssm put-parameter --overwrite` on an instance would, at simulated time `at`. */
export function writeStringParameter(state: SsmState, name: string, value: string, at: number): void {
  const existing = state.parameters[name]
  if (existing) {
    keepVersion(existing)
    existing.value = value
    existing.type = 'String'
    existing.version += 1
    existing.lastModified = at
    return
  }

  state.parameters[name] = {name, type: 'String', value, version: 1, lastModified: at, description: undefined}
}
