/** `hactl lock status`: the site lock as one typed answer (read through src/site/lock). */
import type {Clock} from '../core/clock'
import type {SsmApi} from '../aws/ssm'
import {isFreeze, lockParameterName, OLD_FREEZE_MS, readLock, type LockRecord} from './lock'

export interface LockStatusResult {
  readonly site: string
  /** The SSM parameter holding it. */
  readonly parameter: string
  /** `free`; `locked`: a running command holds it; `frozen`: a deploy freeze. */
  readonly state: 'free' | 'frozen' | 'locked'
  readonly lock?: LockRecord
  /** A command's lock without a heartbeat for longer than the stale timeout (a freeze is never stale). */
  readonly stale: boolean
  /** Minutes since it was taken. */
  readonly ageMinutes?: number
  /** A freeze older than 7 days: still wanted? */
  readonly oldFreeze: boolean
}

export async function lockStatus(options: {clock: Clock; site: string; ssm: SsmApi}): Promise<LockStatusResult> {
  const state = await readLock(options)
  const parameter = lockParameterName(options.site)
  if (!state.held || !state.record) return {oldFreeze: false, parameter, site: options.site, stale: false, state: 'free'}
  const ageMs = Math.max(0, options.clock.now() - Date.parse(state.record.since))
  const frozen = isFreeze(state.record)
  return {
    ageMinutes: Number.isFinite(ageMs) ? Math.round(ageMs / 60_000) : undefined,
    lock: state.record,
    oldFreeze: frozen && ageMs > OLD_FREEZE_MS,
    parameter,
    site: options.site,
    stale: state.stale ?? false,
    state: frozen ? 'frozen' : 'locked',
  }
}
