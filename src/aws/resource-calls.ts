/**
 * What the narrow APIs share: the tag list every create takes, and, for the
 * data tier (RDS, ElastiCache), what surrounds a
 * resource's life: a describe whose "not found" means "nothing there", a
 * delete wait that ends when the resource is gone, the pacing of the SDK
 * waiters and the progress line of one poll.
 */
import type {ApiContext, Tags, WaitControl} from './types'
import {awsCall, hasAwsCode} from './errors'
import {runSdkWaiter, type SdkWaiter, type SdkWaitOptions} from './wait'

/**
 * Longest pause between polls. The SDK backs off to 120 s, which can notice a
 * 10-minute create up to two minutes late, and the environment waits for the
 * data tier; twenty describes over ten minutes cost nothing.
 */
export const WAITER_MAX_DELAY_SECONDS = 30

/** hactl's tags as the SDK's `Tags` list. */
export function tagList(tags: Tags): Array<{Key: string; Value: string}> {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}

/**
 * Runs a call whose "not found" answer means "nothing there": undefined
 * instead of an error. Any other error is translated as usual.
 */
export async function unlessNotFound<T>(operation: string, notFound: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call()
  } catch (error) {
    if (hasAwsCode(error, notFound)) return undefined
    return awsCall(operation, () => Promise.reject(error))
  }
}

/**
 * Runs one of the SDK's *Deleted waiters. They take "not found" as success,
 * but runSdkWaiter stops on errors it does not know to be transient, and
 * RDS's and ElastiCache's not-found names (`DBInstanceNotFoundFault`) end in
 * `Fault`. Gone is what was awaited.
 */
export async function waitUntilGone<C extends {send: (...args: never[]) => Promise<unknown>}, I>(
  notFound: string,
  options: SdkWaitOptions<C, I>,
): Promise<void> {
  try {
    await runSdkWaiter(options)
  } catch (error) {
    if (!hasAwsCode(error, notFound)) throw error
  }
}

/**
 * The part of runSdkWaiter's options that is the same for every wait on one
 * client: the caller's clock, reporter, deadline and signal, the waiter's own
 * first delay (from the service model) and a poll a minute at most.
 */
export function waiterPacing<C>(client: C, context: ApiContext, minDelaySeconds: number, wait: WaitControl) {
  return {
    client,
    clock: context.clock,
    maxDelaySeconds: WAITER_MAX_DELAY_SECONDS,
    minDelaySeconds,
    reporter: context.reporter,
    signal: wait.signal,
    timeoutMs: wait.timeoutMs,
  }
}

/** One kind of data-tier resource (a DB instance, a replication group) as its two SDK waiters see it. */
export interface WaitedKind<C, I> {
  /** How the wait names it: `DB cluster`, `replication group`. */
  readonly what: string
  /** The waiters' input for one resource. */
  readonly input: (id: string) => I
  /** The progress line of one poll (see statesIn). */
  readonly describe: (output: unknown) => string
  readonly untilAvailable: SdkWaiter<C, I>
  readonly untilDeleted: SdkWaiter<C, I>
  /** The kind's not-found code: what the delete wait awaits. */
  readonly notFound: string
}

/** The pacing part of a client's waits, as waiterPacing gives it. */
type Pacing<C> = (wait: WaitControl) => ReturnType<typeof waiterPacing<C>>

/**
 * The two waits of one kind of resource, paced as its client's: until it is
 * available, and until it is gone (waitUntilGone).
 */
export function lifecycleWaits<C extends {send: (...args: never[]) => Promise<unknown>}, I>(kind: WaitedKind<C, I>, pacing: Pacing<C>) {
  const options = (id: string, wait: WaitControl, state: string, waiter: SdkWaiter<C, I>): SdkWaitOptions<C, I> => ({
    ...pacing(wait),
    describe: kind.describe,
    input: kind.input(id),
    waiter,
    what: `${kind.what} ${id} to be ${state}`,
  })
  return {
    available: (id: string, wait: WaitControl): Promise<void> => runSdkWaiter(options(id, wait, 'available', kind.untilAvailable)),
    deleted: (id: string, wait: WaitControl): Promise<void> => waitUntilGone(kind.notFound, options(id, wait, 'deleted', kind.untilDeleted)),
  }
}

/**
 * A progress describer for runSdkWaiter: the resources in one Describe
 * output's `listKey` as "hactl-demo-db creating, …" (`?` for a missing state).
 */
export function statesIn<T>(listKey: string, label: (item: T) => readonly [id: string | undefined, state: string | undefined]): (output: unknown) => string {
  return (output) => {
    const items = (output as Readonly<Record<string, readonly T[] | undefined>>)[listKey] ?? []
    return items
      .map((item) => {
        const [id, state] = label(item)
        return `${id} ${state ?? '?'}`
      })
      .join(', ')
  }
}
