/**
 * Types every narrow per-service API shares. They live here, not in one of
 * the service modules or in the client factory, so no service imports
 * another and nothing imports the factory for a type.
 */
import type {Clock} from '../core/clock'
import type {Reporter} from '../core/progress'

/** What every per-service interface gets besides its client. */
export interface ApiContext {
  readonly clock: Clock
  readonly reporter: Reporter
}

/** AWS resource tags as a plain map. */
export type Tags = Readonly<Record<string, string>>

/** How long a wait may take, and what stops it early. */
export interface WaitControl {
  /** Deadline on the clock's time. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}
