/**
 * What every `env create` step is built with. The steps share no mutable
 * state: each returns its output to the steps that need it (see
 * src/core/steps.ts); the only thing they all write to is the record of
 * resources found, created or updated, which no step reads.
 */
import type {AwsClients} from '../../aws/clients'
import type {Clock} from '../../core/clock'
import {AwsError, HactlError} from '../../core/errors'
import type {Reporter} from '../../core/progress'
import type {HactlConfig} from '../../config/schema'
import type {SiteNames} from '../../site/names'

export type ResourceAction = 'created' | 'found' | 'updated'

export interface ResourceOutcome {
  readonly kind: string
  readonly name: string
  readonly id: string
  readonly action: ResourceAction
}

export interface EnvStepOptions {
  readonly config: HactlConfig
  readonly clients: AwsClients
  readonly reporter: Reporter
  readonly clock: Clock
  readonly names: SiteNames
  /** Records a resource for the result, in the order the steps get to them. */
  readonly note: (kind: string, name: string, id: string, action: ResourceAction) => void
}

export const RESUME = 'Run `hactl env status` to see where it stands, then `hactl env create` again to continue: it creates only what is missing.'

/** A value AWS should have answered with; its absence is AWS's (or the simulator's) fault, not the operator's. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new HactlError('unexpected-aws-answer', `AWS returned no ${what}.`)
  return value
}

/** States RDS and ElastiCache never leave by themselves. */
export function failIfBroken(what: string, status: string | undefined): void {
  if (status && /^(failed|incompatible-.*|inaccessible-encryption-credentials.*|create-failed|deleting)$/.test(status)) {
    throw new AwsError(status, `The ${what} is ${status}; hactl cannot continue with it.`, {
      suggestions: [`Look at the ${what} in the AWS console; delete it if it cannot be repaired, then re-run \`hactl env create\`.`],
    })
  }
}
