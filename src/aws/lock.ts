/**
 * The per-site lock for mutating commands, kept on AWS so two operators (or an
 * operator and a CI job) see the same truth.
 *
 * It is the SSM parameter `/hactl/<site>/lock`, created with Overwrite=false:
 * SSM makes the create atomic, so exactly one of two racing callers wins. The
 * value records who holds it and since when; the holder refreshes
 * `heartbeatAt` during long waits. A lock whose heartbeat is older than
 * `staleAfterMs` is stale and may be broken, but only on request (--break-lock).
 */
import {randomUUID} from 'node:crypto'

import {HactlError, LockHeldError} from '../errors'
import type {Clock} from './clock'
import type {SsmApi} from './ssm'

export interface LockRecord {
  /** Who holds it: principal ARN and host, e.g. `arn:aws:iam::1:user/alice on laptop (pid 42)`. */
  readonly holder: string
  /** The command, e.g. `env create`. */
  readonly operation: string
  /** ISO time the lock was taken. */
  readonly since: string
  /** ISO time of the last refresh. */
  readonly heartbeatAt: string
  /** Random token: release and refresh act only on our own lock. */
  readonly token: string
}

export interface LockOptions {
  readonly ssm: SsmApi
  readonly clock: Clock
  readonly site: string
  readonly holder: string
  readonly operation: string
  /** A lock whose heartbeat is older than this is stale. @default 30 minutes */
  readonly staleAfterMs?: number
  /** Break a stale lock instead of failing. A live lock is never broken. @default false */
  readonly breakStale?: boolean
}

export interface LockState {
  readonly held: boolean
  readonly record?: LockRecord
  /** True when held and the heartbeat is older than the stale timeout. */
  readonly stale?: boolean
}

export interface HeldLock {
  readonly record: LockRecord
  /** Whether taking it meant breaking a stale lock. */
  readonly brokeStale?: LockRecord
  /** Records a heartbeat so others do not think the lock stale. */
  refresh(): Promise<void>
  /** Gives the lock up. Safe to call twice; never removes someone else's lock. */
  release(): Promise<void>
}

export const DEFAULT_STALE_AFTER_MS = 30 * 60 * 1000

export function lockParameterName(site: string): string {
  return `/hactl/${site}/lock`
}

function parseRecord(value: string): LockRecord | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<LockRecord>
    if (typeof parsed.holder === 'string' && typeof parsed.since === 'string' && typeof parsed.token === 'string') {
      return {
        heartbeatAt: parsed.heartbeatAt ?? parsed.since,
        holder: parsed.holder,
        operation: parsed.operation ?? 'unknown',
        since: parsed.since,
        token: parsed.token,
      }
    }
  } catch {
    // Not JSON: treated as a foreign value below.
  }

  return undefined
}

function isStale(record: LockRecord, now: number, staleAfterMs: number): boolean {
  return now - Date.parse(record.heartbeatAt) > staleAfterMs
}

/** Reads the lock without taking it (for `hactl status`). */
export async function readLock(options: Pick<LockOptions, 'clock' | 'site' | 'ssm' | 'staleAfterMs'>): Promise<LockState> {
  const parameter = await options.ssm.getParameter(lockParameterName(options.site))
  if (!parameter) return {held: false}
  const record = parseRecord(parameter.value) ?? {
    heartbeatAt: (parameter.lastModified ?? new Date(0)).toISOString(),
    holder: 'unknown (unreadable lock value)',
    operation: 'unknown',
    since: (parameter.lastModified ?? new Date(0)).toISOString(),
    token: '',
  }
  return {held: true, record, stale: isStale(record, options.clock.now(), options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)}
}

function minutesAgo(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000))
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`
}

/**
 * Takes the site lock or throws {@link LockHeldError} naming the holder and
 * since when.
 */
export async function acquireLock(options: LockOptions): Promise<HeldLock> {
  const {clock, ssm} = options
  const name = lockParameterName(options.site)
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
  let brokeStale: LockRecord | undefined

  // Two rounds at most: the second only after breaking a stale lock.
  for (let round = 0; round < 2; round++) {
    const now = new Date(clock.now()).toISOString()
    const record: LockRecord = {
      heartbeatAt: now,
      holder: options.holder,
      operation: options.operation,
      since: now,
      token: randomUUID(),
    }
    const put = await ssm.putParameter({
      description: `hactl site lock for ${options.site}; do not edit by hand (use --break-lock when stale)`,
      name,
      overwrite: false,
      value: JSON.stringify(record),
    })
    if (put.created) return heldLock(ssm, clock, name, record, brokeStale)

    const current = await readLock({clock, site: options.site, ssm, staleAfterMs})
    if (!current.held || !current.record) continue // released between our put and read: try again
    const {record: other} = current
    const nowMs = clock.now()
    if (current.stale && options.breakStale && round === 0) {
      // Delete only the lock we looked at: if it changed meanwhile, someone else is active.
      const again = await ssm.getParameter(name)
      if (again && parseRecord(again.value)?.token === other.token) {
        await ssm.deleteParameter(name)
        brokeStale = other
      }

      // Either way, try again: we broke it, or it changed hands and the next round names the new holder.
      continue
    }

    const staleNote = current.stale
      ? ` Its last heartbeat was ${minutesAgo(other.heartbeatAt, nowMs)}, so it is stale.`
      : ''
    throw new LockHeldError(
      `Site ${options.site} is locked by ${other.holder} since ${other.since} (${minutesAgo(other.since, nowMs)}) for "${other.operation}".${staleNote}`,
      other.holder,
      new Date(other.since),
      {
        data: {lock: other, stale: current.stale ?? false},
        suggestions: current.stale
          ? ['If that run is gone, re-run with --break-lock to take over the stale lock.']
          : [
              'Wait for that run to finish (`hactl status` shows the lock), then retry.',
              `A lock counts as stale after ${Math.round(staleAfterMs / 60_000)} minutes without a heartbeat; then --break-lock takes it over.`,
            ],
      },
    )
  }

  throw new HactlError('lock-race', `Could not take the lock for site ${options.site}: it keeps changing hands.`, {
    suggestions: ['Another run is starting at the same moment; retry in a minute.'],
  })
}

function heldLock(ssm: SsmApi, clock: Clock, name: string, record: LockRecord, brokeStale: LockRecord | undefined): HeldLock {
  let current = record
  let released = false

  async function stillOurs(): Promise<boolean> {
    const parameter = await ssm.getParameter(name)
    return parameter !== undefined && parseRecord(parameter.value)?.token === record.token
  }

  return {
    brokeStale,
    get record() {
      return current
    },

    async refresh() {
      if (released) return
      if (!(await stillOurs())) {
        throw new HactlError('lock-lost', `The lock ${name} was taken over by someone else.`, {
          suggestions: ['Another operator broke the lock as stale. Check `hactl status` before going on.'],
        })
      }

      current = {...current, heartbeatAt: new Date(clock.now()).toISOString()}
      await ssm.putParameter({name, overwrite: true, value: JSON.stringify(current)})
    },

    async release() {
      if (released) return
      released = true
      // SSM has no conditional delete; read-then-delete leaves a tiny window, which
      // only matters if someone broke our lock in the same instant.
      if (await stillOurs()) await ssm.deleteParameter(name)
    },
  }
}

/** Runs `work` holding the site lock, and always releases it. */
export async function withLock<T>(options: LockOptions, work: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(options)
  try {
    return await work(lock)
  } finally {
    await lock.release()
  }
}
