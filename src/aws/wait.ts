/**
 * The one way hactl waits for AWS.
 *
 *   caller ──► runSdkWaiter ──► SDK waiter (acceptors, backoff) ──► client.send ─┐
 *          └─► pollUntil ─────► poll() / check()  (when no SDK waiter fits)      │
 *                    both: deadline, abort signal, `wait` progress events ◄──────┘
 *
 * Both take the caller's {@link Clock}: the SDK waiter sleeps in real time, so
 * its delays and deadline are divided by `clock.scale`; `pollUntil` sleeps on
 * the clock itself, so tests drive it with a ManualClock and never sleep.
 * A timeout is a {@link TimeoutError} (exit 7) that says how to pick the work
 * up: the AWS operation goes on without us.
 */
import {AbortError, HactlError, TimeoutError} from '../core/errors'
import type {Clock} from '../core/clock'
import type {Reporter} from '../core/progress'
import {translateAwsError} from './errors'

export interface WaitOptions {
  /** What is awaited, for messages: "instance i-0abc to be running". */
  readonly what: string
  /** Deadline, on the clock's time. */
  readonly timeoutMs: number
  readonly clock: Clock
  readonly reporter: Reporter
  /** Aborts the wait (Ctrl-C). */
  readonly signal?: AbortSignal
  /** How to pick the work up after a timeout. @default 'Run `hactl status` to see where it stands; re-run the command to continue.' */
  readonly resumeHint?: string
}

const DEFAULT_RESUME = 'Run `hactl status` to see where it stands; re-run the command to continue waiting.'

function timeoutError(options: WaitOptions, lastStatus: string | undefined): TimeoutError {
  // A wait that got only the rest of a command's --wait may have had less than a minute.
  const seconds = Math.round(options.timeoutMs / 1000)
  const spent = seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`
  const status = lastStatus ? ` (last seen: ${lastStatus})` : ''
  return new TimeoutError(`Gave up waiting after ${spent} for ${options.what}${status}; it is still in progress on AWS.`, {
    data: {lastStatus, what: options.what},
    suggestions: [options.resumeHint ?? DEFAULT_RESUME, 'Pass a larger --wait to wait longer.'],
  })
}

function abortError(options: WaitOptions): AbortError {
  return new AbortError(`Stopped waiting for ${options.what}; the operation goes on in AWS.`, {
    suggestions: [options.resumeHint ?? DEFAULT_RESUME],
  })
}

export type PollCheck<T> =
  | {readonly state: 'done'; readonly status?: string}
  | {readonly state: 'failed'; readonly message: string}
  | {readonly state: 'retry'; readonly status: string}
  | {readonly state: 'done-with'; readonly value: T}

export interface PollOptions<T> extends WaitOptions {
  /** One look at the resource. Errors are AWS errors and stop the wait. */
  readonly poll: () => Promise<T>
  /** Decides from one look whether to stop. */
  readonly check: (value: T) => PollCheck<T>
  /** First delay between polls. @default 5000 */
  readonly minDelayMs?: number
  /** Longest delay between polls. @default 30000 */
  readonly maxDelayMs?: number
  /** A first sleep before the first poll, for a state that cannot have changed yet. @default 0 */
  readonly initialDelayMs?: number
}

/**
 * Polls until `check` says done or failed, backing off from `minDelayMs` to
 * `maxDelayMs` and never sleeping past the deadline.
 */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const {clock} = options
  const start = clock.now()
  const deadline = start + options.timeoutMs
  const minDelay = options.minDelayMs ?? 5000
  const maxDelay = options.maxDelayMs ?? 30_000
  let delay = minDelay
  let lastStatus: string | undefined
  if (options.initialDelayMs) {
    try {
      await clock.sleep(Math.min(options.initialDelayMs, options.timeoutMs), options.signal)
    } catch {
      throw abortError(options)
    }
  }

  for (;;) {
    if (options.signal?.aborted) throw abortError(options)
    const value = await options.poll()
    const verdict = options.check(value)
    switch (verdict.state) {
      case 'done':
      case 'done-with': {
        return verdict.state === 'done-with' ? verdict.value : value
      }

      case 'failed': {
        throw new HactlError('wait-failed', `${options.what} failed: ${verdict.message}`)
      }

      case 'retry': {
        lastStatus = verdict.status
        break
      }
    }

    const elapsed = clock.now() - start
    options.reporter.emit({elapsedMs: elapsed, status: lastStatus ?? '', timeoutMs: options.timeoutMs, type: 'wait', what: options.what})
    const remaining = deadline - clock.now()
    if (remaining <= 0) throw timeoutError(options, lastStatus)
    try {
      await clock.sleep(Math.min(delay, remaining), options.signal)
    } catch {
      throw abortError(options)
    }

    delay = Math.min(maxDelay, delay * 2)
  }
}

/**
 * Errors a waiter may keep polling through: "not found yet" (EC2 is
 * eventually consistent right after a create), throttling and AWS-side
 * failures. Anything else (access denied, expired credentials, a malformed
 * id) will not get better by waiting.
 */
export function waiterMayRetry(error: unknown): boolean {
  const e = error as {$fault?: string; $retryable?: unknown; name?: string}
  const name = e?.name ?? ''
  return /NotFound$/.test(name) || e?.$fault === 'server' || e?.$retryable !== undefined || /Throttl|RequestLimitExceeded|TooManyRequests/.test(name)
}

/** The shape every generated SDK waiter has (`waitUntilInstanceRunning`, …). */
export type SdkWaiter<C, I> = (
  config: {abortSignal?: AbortSignal; client: C; maxDelay?: number; maxWaitTime: number; minDelay?: number},
  input: I,
) => Promise<{state: string}>

export interface SdkWaitOptions<C extends {send: (...args: never[]) => Promise<unknown>}, I> extends WaitOptions {
  readonly waiter: SdkWaiter<C, I>
  readonly client: C
  readonly input: I
  /** The waiter's own minimum delay in seconds, from the service model (e.g. 15 for EC2 instances). */
  readonly minDelaySeconds: number
  /** @default 120 */
  readonly maxDelaySeconds?: number
  /** A short status from one poll's output, for progress. */
  readonly describe?: (output: unknown) => string
}

/**
 * Runs one of the SDK's generated waiters with hactl's deadline, clock and
 * progress reporting. The client handed to the waiter is the real client with
 * `send` observed, so each poll's output becomes a progress event.
 */
export async function runSdkWaiter<C extends {send: (...args: never[]) => Promise<unknown>}, I>(
  options: SdkWaitOptions<C, I>,
): Promise<void> {
  const {clock} = options
  const start = clock.now()
  let lastStatus: string | undefined
  // The SDK's waiters retry on any error they have no acceptor for, so a
  // denied permission would poll until the deadline and end as a misleading
  // timeout. An error the waiter should not ride out stops it here.
  let fatal: unknown
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const observed = Object.create(options.client) as C
  const send = options.client.send.bind(options.client) as (...args: unknown[]) => Promise<unknown>
  Object.defineProperty(observed, 'send', {
    value: async (...args: unknown[]) => {
      let output: unknown
      try {
        output = await send(...args)
      } catch (error) {
        if (!waiterMayRetry(error)) {
          fatal = error
          stop.abort()
        }

        throw error
      }

      lastStatus = options.describe?.(output) ?? lastStatus
      options.reporter.emit({
        elapsedMs: clock.now() - start,
        status: lastStatus ?? '',
        timeoutMs: options.timeoutMs,
        type: 'wait',
        what: options.what,
      })
      return output
    },
  })

  const minDelay = options.minDelaySeconds / clock.scale
  const maxDelay = Math.max(minDelay, (options.maxDelaySeconds ?? 120) / clock.scale)
  // The waiter insists its deadline exceeds one delay.
  const maxWaitTime = Math.max(options.timeoutMs / 1000 / clock.scale, minDelay * 1.01)
  try {
    await options.waiter({abortSignal: signal, client: observed, maxDelay, maxWaitTime, minDelay}, options.input)
    if (fatal !== undefined) throw fatal
  } catch (error) {
    if (fatal !== undefined) throw translateAwsError(fatal, `waiting for ${options.what}`)
    const name = (error as {name?: string}).name
    if (name === 'TimeoutError') throw timeoutError(options, lastStatus)
    if (name === 'AbortError' || options.signal?.aborted) throw abortError(options)
    if (HactlError.isHactlError(error)) throw error
    // A waiter failure carries a JSON dump of the last response; an SDK error is passed on as such.
    if (error instanceof Error && error.message.startsWith('{')) {
      throw new HactlError('wait-failed', `${options.what} failed${lastStatus ? ` (last seen: ${lastStatus})` : ''}.`, {cause: error})
    }

    throw translateAwsError(error, options.what)
  }
}
