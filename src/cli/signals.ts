/**
 * Signals that end a run. Ctrl-C (SIGINT) always released the site lock;
 * SIGTERM (CI cancellation, `timeout`, systemd and container stops) and
 * SIGHUP (a closed terminal or SSH session) killed the process with the lock
 * still held, and the next run was told to wait for a run that was gone. All
 * three now take the same path: abort the wait, unwind (releasing the lock),
 * exit 130.
 *
 * A holder that died anyway (SIGKILL, a crash) is recognised when it ran on
 * this host: the lock records `<arn> on <host> (pid <n>)`.
 */
import {hostname} from 'node:os'

/** The signals hactl treats like Ctrl-C. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
export type StopSignal = (typeof STOP_SIGNALS)[number]

/** Where the handlers go: `process`, or a stand-in in tests. */
export type SignalTarget = Pick<NodeJS.Process, 'on' | 'removeListener'>

/** Calls `handler` on each stop signal; returns the function that removes it again. */
export function onStopSignals(handler: (signal: StopSignal) => void, target: SignalTarget = process): () => void {
  const listeners = STOP_SIGNALS.map((signal) => [signal, () => handler(signal)] as const)
  for (const [signal, listener] of listeners) target.on(signal, listener)
  return () => {
    for (const [signal, listener] of listeners) target.removeListener(signal, listener)
  }
}

/** How `withSiteLock` names this process as a lock holder. */
export function lockHolderName(principal: string, host = hostname(), pid = process.pid): string {
  return `${principal} on ${host} (pid ${pid})`
}

export interface HolderCheckOptions {
  /** @default os.hostname() */
  readonly host?: string
  /** @default a signal-0 probe of the pid */
  readonly isAlive?: (pid: number) => boolean
}

/** True when `holder` (see {@link lockHolderName}) is a process on this host that no longer runs. */
export function localHolderIsGone(holder: string, options: HolderCheckOptions = {}): boolean {
  const match = / on (\S+) \(pid (\d+)\)$/.exec(holder)
  if (!match || match[1] !== (options.host ?? hostname())) return false
  const pid = Number(match[2])
  if (pid === process.pid) return false
  return !(options.isAlive ?? processIsAlive)(pid)
}

/** Signal 0 probes without signalling; EPERM means it runs under another user. */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
