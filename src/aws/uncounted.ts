/**
 * Calls left out of {@link AwsClients.calls}: hactl's own bookkeeping while
 * other work runs (the site lock's heartbeat), which, like taking and
 * releasing the lock, is not the work's. The mark follows the async chain
 * (AsyncLocalStorage), so only the calls `work` makes are left out.
 */
import {AsyncLocalStorage} from 'node:async_hooks'

const offTheBooks = new AsyncLocalStorage<true>()

export async function uncounted<T>(work: () => Promise<T>): Promise<T> {
  return offTheBooks.run(true, work)
}

export function isUncounted(): boolean {
  return offTheBooks.getStore() !== undefined
}
