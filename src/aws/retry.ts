/**
 * The SDK's own retry strategy, tuned for a CLI that must survive throttling
 * (EB and EC2 describe calls throttle easily when a rollout polls several
 * things at once), and made visible: each retry becomes a progress event.
 */
import {ConfiguredRetryStrategy} from '@smithy/core/retry'
import type {RetryErrorInfo, StandardRetryToken} from '@smithy/types'

import type {Clock} from '../core/clock'
import type {Reporter} from '../core/progress'
import {errorCodeOf} from './errors'

export interface RetryOptions {
  /** Attempts per call, the first included. @default 8 */
  readonly maxAttempts?: number
  /** Service id for progress events, e.g. `ec2`. */
  readonly service: string
  readonly reporter: Reporter
  /** Backoff delays are divided by `clock.scale`, so the sandbox does not wait in real time. */
  readonly clock: Clock
  /** Random source for jitter, replaceable in tests. @default Math.random */
  readonly random?: () => number
}

/** Longest single backoff, before scaling. */
const MAX_BACKOFF_MS = 20_000
const BASE_BACKOFF_MS = 500

/** "Full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling * random())
}

class ReportingRetryStrategy extends ConfiguredRetryStrategy {
  public constructor(private readonly options: RetryOptions) {
    super(options.maxAttempts ?? 8, (attempt) => backoffDelayMs(attempt, options.random) / options.clock.scale)
  }

  public override async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    const next = await super.refreshRetryTokenForRetry(token, errorInfo)
    // The same code the final error would show: `HTTP 502`, not the SDK's generic `Unknown` or `Error`.
    const errorCode = errorInfo.error === undefined ? errorInfo.errorType : errorCodeOf(errorInfo.error)
    this.options.reporter.emit({
      attempt: next.getRetryCount() + 1,
      errorCode,
      service: this.options.service,
      type: 'retry',
    })
    return next
  }
}

export function createRetryStrategy(options: RetryOptions): ConfiguredRetryStrategy {
  return new ReportingRetryStrategy(options)
}
