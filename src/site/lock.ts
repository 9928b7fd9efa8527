/**
 * The per-site lock for mutating commands, kept on AWS so two operators (or an
 * operator and a CI job) see the same truth.
 *
 * It is the SSM parameter `/hactl/<site>/lock`, created with Overwrite=false:
 * SSM makes the create atomic, so exactly one of two racing callers wins. The
 * value records who holds it and since when; the holder refreshes
 * `heartbeatAt` during long waits. A lock whose heartbeat is older than
 * `staleAfterMs` is stale and may be broken, but only on request (--break-lock).
 *
 * The same parameter holds a manual **deploy freeze** (`hactl lock acquire -m
 * "exam week"`): a record of kind `manual` with a message. A freeze has no
 * heartbeat and never goes stale by time: it holds until `hactl lock release`
 * (its holder, or anyone with --force), and --break-lock never breaks it.
 * Staleness of a freeze is judged by people: `hactl lock status` and
 * `hactl status` show its age and holder, and flag one older than
 * {@link OLD_FREEZE_MS}.
 */
import {randomUUID} from 'node:crypto'

import {HactlError, LockHeldError} from '../core/errors'
import type {Clock} from '../core/clock'
import type {Parameter, SsmApi} from '../aws/ssm'
import {uncounted} from '../aws/uncounted'
import type {Reporter} from '../core/progress'

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
  /** `manual` for a deploy freeze; absent (older records) means automatic. */
  readonly kind?: LockKind
  /** A freeze's reason, e.g. `exam week`. */
  readonly message?: string
  /** The caller ARN that took it: who may release a freeze without --force. */
  readonly principal?: string
}

/** `automatic`: held by a running command, with a heartbeat. `manual`: a deploy freeze. */
export type LockKind = 'automatic' | 'manual'

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
  /** Told when the lock could not be released (it then goes stale by itself). */
  readonly reporter?: Reporter
  /**
   * True when a holder is known to be gone (a dead process on this host), so
   * `breakStale` may take its lock over without waiting for it to go stale.
   * @default nobody is known to be gone
   */
  readonly holderIsGone?: (holder: string) => boolean
  /**
   * How long to queue behind another command's (automatic) lock before
   * giving up, on the clock's time. Never waits behind a freeze or a stale lock.
   * @default 0 (do not wait)
   */
  readonly waitMs?: number
  /** Between attempts while queued. @default 15 seconds */
  readonly pollMs?: number
  /** Aborts a queued wait (Ctrl-C). */
  readonly signal?: AbortSignal
}

export interface LockState {
  readonly held: boolean
  readonly record?: LockRecord
  /** True when held and the heartbeat is older than the stale timeout. */
  readonly stale?: boolean
  /** When the lock was last written (taken or refreshed), ms since the epoch. */
  readonly lastWriteMs?: number
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
/** A freeze older than this is pointed out (`lock status`, `status`): maybe someone forgot it. */
export const OLD_FREEZE_MS = 7 * 24 * 60 * 60 * 1000
/** What a freeze's `operation` says, so every reader of the record (older hactl too) names the reason. */
const FREEZE_OPERATION_PREFIX = 'deploy freeze: '

/** True for a deploy freeze (manual lock). */
export function isFreeze(record: LockRecord | undefined): boolean {
  return record?.kind === 'manual'
}

/**
 * The freeze's reason from a lock's `operation` text, or undefined when it is
 * not a freeze. For readers that only carry `operation` (the status result).
 */
export function freezeMessageOf(operation: string | undefined): string | undefined {
  return operation?.startsWith(FREEZE_OPERATION_PREFIX) ? operation.slice(FREEZE_OPERATION_PREFIX.length) : undefined
}

export function lockParameterName(site: string): string {
  return `/hactl/${site}/lock`
}

/** Marker created (atomically) by whoever breaks the stale lock with this token. */
export function lockBreakParameterName(site: string, staleToken: string): string {
  return `/hactl/${site}/lock-breaks/${staleToken}`
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
        ...(parsed.kind === 'manual' ? {kind: 'manual' as const, message: parsed.message ?? ''} : {}),
        ...(typeof parsed.principal === 'string' ? {principal: parsed.principal} : {}),
      }
    }
  } catch {
    // Not JSON: treated as a foreign value below.
  }

  return undefined
}

/**
 * Stale when the last write is older than the timeout. The write time is
 * SSM's LastModifiedDate (AWS's clock, which SigV4 keeps within minutes of
 * ours), not the holder's own `heartbeatAt`, so a holder with a wrong clock
 * cannot keep a lock alive or make it look dead. A time that cannot be read
 * counts as stale.
 */
function isStale(lastWriteMs: number, now: number, staleAfterMs: number): boolean {
  return !Number.isFinite(lastWriteMs) || now - lastWriteMs > staleAfterMs
}

/** Reads the lock without taking it (for `hactl status`). */
export async function readLock(options: Pick<LockOptions, 'clock' | 'site' | 'ssm' | 'staleAfterMs'>): Promise<LockState> {
  return lockStateOf(await options.ssm.getParameter(lockParameterName(options.site)), options)
}

/**
 * The lock as the parameter `/hactl/<site>/lock` shows it (undefined: none),
 * for a reader that already listed the site's parameters in one call.
 */
export function lockStateOf(parameter: Parameter | undefined, options: Pick<LockOptions, 'clock' | 'staleAfterMs'>): LockState {
  if (!parameter) return {held: false}
  const record = parseRecord(parameter.value) ?? {
    heartbeatAt: (parameter.lastModified ?? new Date(0)).toISOString(),
    holder: 'unknown (unreadable lock value)',
    operation: 'unknown',
    since: (parameter.lastModified ?? new Date(0)).toISOString(),
    token: '',
  }
  const lastWrite = parameter.lastModified?.getTime() ?? Date.parse(record.heartbeatAt)
  // A freeze has no heartbeat: it never goes stale by time (see the file comment).
  const stale = !isFreeze(record) && isStale(lastWrite, options.clock.now(), options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)
  return {held: true, lastWriteMs: lastWrite, record, stale}
}

function minutesAgo(thenMs: number, now: number): string {
  if (!Number.isFinite(thenMs)) return 'at an unknown time'
  const minutes = Math.max(0, Math.round((now - thenMs) / 60_000))
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`
}

/** The refusal every command gets while the site is frozen (exit 6, naming the reason). */
function frozenError(site: string, freeze: LockRecord, nowMs: number): LockHeldError {
  return new LockHeldError(
    `Site ${site} is frozen: "${freeze.message ?? ''}" (deploy freeze by ${freeze.holder} since ${freeze.since}, ${minutesAgo(Date.parse(freeze.since), nowMs)}).`,
    freeze.holder,
    new Date(freeze.since),
    {
      data: {frozen: true, lock: freeze, message: freeze.message ?? '', stale: false},
      suggestions: [
        'Wait until the freeze is lifted: `hactl lock status` shows it; its holder ends it with `hactl lock release`.',
        'A freeze never goes stale and --break-lock does not break it; `hactl lock release --force` does, if you must.',
      ],
    },
  )
}

/** True when the error is the refusal of a deploy freeze. */
export function isFrozenError(error: unknown): boolean {
  return error instanceof LockHeldError && (error.data as {frozen?: boolean} | undefined)?.frozen === true
}

/**
 * Takes the site lock or throws {@link LockHeldError} naming the holder and
 * since when. With `waitMs`, queues behind another command's live lock
 * (polling every `pollMs`, a `wait` event each time) until it is free or the
 * time is up; a freeze or a stale lock ends the wait at once, since neither
 * goes away by itself.
 */
export async function acquireLock(options: LockOptions): Promise<HeldLock> {
  const waitMs = options.waitMs ?? 0
  if (waitMs <= 0) return acquireOnce(options)
  const {clock} = options
  const started = clock.now()
  const pollMs = options.pollMs ?? 15_000
  for (;;) {
    try {
      return await acquireOnce(options)
    } catch (error) {
      if (!(error instanceof LockHeldError)) throw error
      const data = (error.data ?? {}) as {holderGone?: boolean; lock?: LockRecord; stale?: boolean}
      if (isFrozenError(error)) throw withNote(error, '--lock-wait never waits behind a deploy freeze.')
      if (data.stale || data.holderGone) throw error
      const elapsedMs = clock.now() - started
      if (elapsedMs >= waitMs) throw withNote(error, `Still held after waiting ${Math.round(waitMs / 60_000)} minutes (--lock-wait).`)
      options.reporter?.emit({
        elapsedMs,
        status: `queued behind ${data.lock?.operation ?? 'another command'} by ${data.lock?.holder ?? 'someone'}`,
        timeoutMs: waitMs,
        type: 'wait',
        what: `the site lock of ${options.site}`,
      })
      await clock.sleep(Math.min(pollMs, waitMs - elapsedMs), options.signal)
    }
  }
}

/** The same refusal with one more sentence. */
function withNote(error: LockHeldError, note: string): LockHeldError {
  return new LockHeldError(`${error.message} ${note}`, error.holder, error.since, {data: error.data, suggestions: error.suggestions})
}

async function acquireOnce(options: LockOptions): Promise<HeldLock> {
  const {clock, ssm} = options
  const name = lockParameterName(options.site)
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
  let brokeStale: LockRecord | undefined

  // A few rounds: a lock can be released, or broken and re-taken by someone
  // else, between our create and our read. We try to break a stale lock once.
  let triedBreak = false
  for (let round = 0; round < 4; round++) {
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
    if (isFreeze(other)) throw frozenError(options.site, other, nowMs)
    const gone = !current.stale && options.holderIsGone?.(other.holder) === true
    if ((current.stale || gone) && options.breakStale && !triedBreak) {
      triedBreak = true
      // Two callers may both see the same stale lock. Breaking it is claimed
      // with an atomic create of a marker named after the stale lock's token,
      // so exactly one of them deletes it; the other finds the winner's new
      // lock in the next round. The markers stay as a record of who broke what.
      const claim = await ssm.putParameter({
        description: 'hactl: record of a stale site lock that was broken',
        name: lockBreakParameterName(options.site, other.token || `unreadable-${current.lastWriteMs ?? 0}`),
        overwrite: false,
        value: JSON.stringify({brokenAt: new Date(nowMs).toISOString(), brokenBy: options.holder, lock: other}),
      })
      if (claim.created) {
        // Delete only the lock we looked at: if it changed meanwhile, someone else is active.
        const again = await ssm.getParameter(name)
        if (again && (parseRecord(again.value)?.token ?? '') === other.token) {
          await ssm.deleteParameter(name)
          brokeStale = other
        }
      }

      continue
    }

    const staleNote = current.stale
      ? ` Its last heartbeat was ${minutesAgo(current.lastWriteMs ?? Number.NaN, nowMs)}, so it is stale.`
      : gone
        ? ' That process is no longer running on this host (killed, or its terminal closed).'
        : ''
    throw new LockHeldError(
      `Site ${options.site} is locked by ${other.holder} since ${other.since} (${minutesAgo(Date.parse(other.since), nowMs)}) for "${other.operation}".${staleNote}`,
      other.holder,
      new Date(other.since),
      {
        data: {holderGone: gone, lock: other, stale: current.stale ?? false},
        suggestions: gone
          ? ['Re-run with --break-lock to take over the lock of the run that is gone; then check `hactl status`.']
          : current.stale
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
      // SSM has no compare-and-set: if someone broke and took the lock between our read and
      // our write, one of the two writes won. Read again so we never go on believing we hold it.
      if (!(await stillOurs())) {
        throw new HactlError('lock-lost', `The lock ${name} was taken over by someone else.`, {
          suggestions: ['Another operator broke the lock as stale. Check `hactl status` before going on.'],
        })
      }
    },

    async release() {
      if (released) return
      // SSM has no conditional delete; read-then-delete leaves a tiny window, which
      // only matters if someone broke our lock in the same instant.
      if (await stillOurs()) await ssm.deleteParameter(name)
      released = true
    },
  }
}

/**
 * Runs `work` holding the site lock, and releases it. A failed release never
 * hides the work's own result or error: it is reported as a warning (the
 * lock then goes stale by itself).
 */
export async function withLock<T>(options: LockOptions, work: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(options)
  let result: T
  try {
    result = await work(lock)
  } catch (error) {
    await releaseOrWarn(lock, options)
    throw error
  }

  await releaseOrWarn(lock, options)
  return result
}

async function releaseOrWarn(lock: HeldLock, options: LockOptions): Promise<void> {
  try {
    await lock.release()
  } catch (error) {
    const minutes = Math.round((options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS) / 60_000)
    options.reporter?.emit({
      message: `Could not release the site lock ${lockParameterName(options.site)} (${(error as Error).message}); it goes stale in ${minutes} minutes, or \`--break-lock\` takes it over after that.`,
      type: 'warning',
    })
  }
}

export interface HeartbeatOptions {
  readonly clock: Clock
  readonly reporter?: Reporter
  /** Between refreshes, on the clock's time. @default 5 minutes, well inside the 30-minute stale timeout */
  readonly everyMs?: number
  /** Told when the lock was taken over: the work must stop, it no longer holds the site. */
  readonly onLost: (error: HactlError) => void
}

/**
 * Refreshes a held lock every few minutes while long work runs, so a second
 * operator never sees it stale. A failed refresh is a warning (the next one
 * may work); a lock someone else took over ends the work through `onLost`.
 */
export function startHeartbeat(lock: HeldLock, options: HeartbeatOptions): {stop(): void} {
  const stop = new AbortController()
  const every = options.everyMs ?? 5 * 60_000
  void (async () => {
    while (!stop.signal.aborted) {
      try {
        await options.clock.sleep(every, stop.signal)
      } catch {
        return
      }

      try {
        await uncounted(async () => lock.refresh())
      } catch (error) {
        if (HactlError.isHactlError(error) && error.code === 'lock-lost') {
          options.onLost(error)
          return
        }

        options.reporter?.emit({message: `Could not refresh the site lock: ${(error as Error).message}`, type: 'warning'})
      }
    }
  })()
  return {stop: () => stop.abort()}
}

export interface FreezeOptions extends Pick<LockOptions, 'clock' | 'pollMs' | 'reporter' | 'signal' | 'site' | 'ssm' | 'waitMs'> {
  /** The reason, shown to everyone refused, e.g. `exam week`. */
  readonly message: string
  /** The caller's ARN: the freeze is theirs to release. */
  readonly principal: string
  /** Where from, e.g. the host name; shown with the principal. */
  readonly host: string
}

export interface FreezeResult {
  /** `created`: the site is frozen now. `unchanged`/`updated`: it was our freeze already (message updated). */
  readonly action: 'created' | 'unchanged' | 'updated'
  readonly lock: LockRecord
}

/**
 * Freezes the site: takes the site lock as a manual lock with a reason.
 * Idempotent: a re-run by the same principal keeps the freeze (and its
 * `since`), updating the message if it changed. Someone else's freeze, or a
 * running command's lock, refuses with exit 6 (with `waitMs`, the latter is
 * waited out first).
 */
export async function freezeSite(options: FreezeOptions): Promise<FreezeResult> {
  const {clock, ssm} = options
  const name = lockParameterName(options.site)
  const current = await readLock(options)
  if (current.held && current.record && isFreeze(current.record) && current.record.principal === options.principal) {
    if (current.record.message === options.message) return {action: 'unchanged', lock: current.record}
    const lock: LockRecord = {...current.record, message: options.message, operation: `${FREEZE_OPERATION_PREFIX}${options.message}`}
    await ssm.putParameter({name, overwrite: true, value: JSON.stringify(lock)})
    return {action: 'updated', lock}
  }

  // Taken as an ordinary lock (same atomic create, same refusals, same queue) and then
  // rewritten as a freeze: only the holder of the token writes, so this cannot clobber anyone.
  const held = await acquireLock({
    clock,
    holder: `${options.principal} on ${options.host}`,
    operation: `${FREEZE_OPERATION_PREFIX}${options.message}`,
    pollMs: options.pollMs,
    reporter: options.reporter,
    signal: options.signal,
    site: options.site,
    ssm,
    waitMs: options.waitMs,
  })
  const lock: LockRecord = {...held.record, kind: 'manual', message: options.message, principal: options.principal}
  await ssm.putParameter({
    description: `hactl deploy freeze for ${options.site}: release with \`hactl lock release\``,
    name,
    overwrite: true,
    value: JSON.stringify(lock),
  })
  return {action: 'created', lock}
}

export interface ReleaseOptions extends Pick<LockOptions, 'clock' | 'site' | 'ssm'> {
  readonly principal: string
  /** Release someone else's freeze. @default false */
  readonly force?: boolean
}

export interface ReleaseResult {
  /** False when there was nothing to release. */
  readonly released: boolean
  /** The freeze that was released. */
  readonly lock?: LockRecord
  /** True when it was someone else's freeze (released with --force). */
  readonly forced: boolean
}

/**
 * Ends a deploy freeze. Idempotent: no lock means nothing to do. Someone
 * else's freeze needs `force` (the refusal says whose it is); a running
 * command's lock is never released here (it ends with its command, or
 * `--break-lock` takes it over once stale).
 */
export async function releaseFreeze(options: ReleaseOptions): Promise<ReleaseResult> {
  const current = await readLock(options)
  if (!current.held || !current.record) return {forced: false, released: false}
  const {record} = current
  if (!isFreeze(record)) {
    throw new LockHeldError(
      `Site ${options.site} is not frozen: its lock is held by a running "${record.operation}" (${record.holder}, since ${record.since}).`,
      record.holder,
      new Date(record.since),
      {
        data: {frozen: false, lock: record, stale: current.stale ?? false},
        suggestions: ['That lock ends with its command. If the command is gone, the next command\'s --break-lock takes the lock over once it is stale.'],
      },
    )
  }

  const ours = record.principal === options.principal
  if (!ours && !options.force) {
    throw new LockHeldError(
      `The freeze on ${options.site} ("${record.message ?? ''}") is not yours: it was set by ${record.principal ?? record.holder} on ${record.since}.`,
      record.holder,
      new Date(record.since),
      {
        data: {frozen: true, lock: record, message: record.message ?? '', stale: false},
        suggestions: ['Ask its holder to release it, or pass --force to release it anyway (the audit trail records that you did).'],
      },
    )
  }

  // Delete only the freeze we looked at: read again just before (SSM has no conditional delete).
  const again = await options.ssm.getParameter(lockParameterName(options.site))
  if (again && (parseRecord(again.value)?.token ?? '') === record.token) await options.ssm.deleteParameter(lockParameterName(options.site))
  return {forced: !ours, lock: record, released: true}
}
