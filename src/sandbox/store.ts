import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

import {DURATIONS} from './durations'
import {sandboxPathError, SandboxStateError} from './errors'
import {accountWideShapes, sliceShapes, type SliceShape} from './registry'
import type {RegionState, SandboxState} from './types'

/** The state file's name under the state directory. */
export const STATE_FILE = 'sandbox.json'

/** The state holds SSM SecureString values in plain text: owner-only file and (new) directory. */
const FILE_MODE = 0o600
const DIR_MODE = 0o700

const LOCK_RETRY_REAL_MS = 5

export interface StateStoreOptions {
  /** A lock file older than this (real ms) is broken. @default DURATIONS.staleLockRealMs */
  readonly staleLockMs?: number
  /**
   * How long to wait for the lock before giving up (real ms). Longer than
   * `staleLockMs`, so a lock left by a crashed process is broken, not waited out.
   * @default staleLockMs + 10 s
   */
  readonly lockTimeoutMs?: number
}

/**
 * The persisted state: `<stateDir>/sandbox.json`, read and written whole on
 * every call. Writes go to a temp file that is renamed over the old one, so a
 * reader never sees half a file; read-modify-write runs under a lock file, so
 * two hactl processes (`hactl bake && hactl rollout --sandbox`, or two
 * terminals) never lose each other's changes.
 *
 * The lock file holds a token unique to one acquisition (pid + random). The
 * holder removes the lock only while it still holds its token, and checks the
 * token again just before writing; a stale lock is renamed aside before it is
 * removed, so a fresh lock someone else created in the meantime survives.
 */
export class StateStore {
  public readonly file: string
  private readonly lockFile: string
  private readonly staleLockMs: number
  private readonly lockTimeoutMs: number

  public constructor(
    private readonly dir: string,
    private readonly fresh: () => SandboxState,
    options: StateStoreOptions = {},
  ) {
    this.file = path.join(dir, STATE_FILE)
    this.lockFile = `${this.file}.lock`
    this.staleLockMs = options.staleLockMs ?? DURATIONS.staleLockRealMs
    this.lockTimeoutMs = options.lockTimeoutMs ?? this.staleLockMs + 10_000
  }

  /** The state as last written (or a fresh one), without taking the lock. Throws SandboxStateError for a bad file. */
  public read(): SandboxState {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if (isCode(error, 'ENOENT')) return this.fresh()
      throw sandboxPathError(this.file, error)
    }

    return this.parse(text)
  }

  /**
   * Runs `change` on the current state under the lock and writes the result
   * back when it differs. `beforeWrite` runs only when there is something to
   * write (it stamps the simulated time). Returns what `change` returns; when
   * `change` throws, nothing is written.
   */
  public update<T>(change: (state: SandboxState) => T, beforeWrite: (state: SandboxState) => void): T {
    return this.locked((token) => {
      const exists = fs.existsSync(this.file)
      const state = this.read()
      const before = JSON.stringify(state)
      const result = change(state)
      if (!exists || JSON.stringify(state) !== before) {
        beforeWrite(state)
        this.write(state, token)
      }

      return result
    })
  }

  /** Replaces the state with a fresh one. */
  public reset(): void {
    this.locked((token) => this.write(this.fresh(), token))
  }

  private parse(text: string): SandboxState {
    let state: unknown
    try {
      state = JSON.parse(text)
    } catch {
      throw new SandboxStateError(this.file, 'is not valid JSON')
    }

    const problem = stateProblem(state)
    if (problem !== undefined) throw new SandboxStateError(this.file, problem)
    return moveAccountWide(state as SandboxState)
  }

  private write(state: SandboxState, token: string): void {
    this.makeDir()
    // A holder stopped for longer than staleLockMs has lost the lock: writing now would undo the new holder's changes.
    if (this.lockHolder() !== token) {
      throw new Error(
        `The sandbox lock ${this.lockFile} was taken over while this hactl held it (stopped for over ` +
          `${Math.round(this.staleLockMs / 1000)} s?); nothing was written. Run the command again.`,
      )
    }

    const temp = `${this.file}.${token}.tmp`
    try {
      fs.writeFileSync(temp, `${JSON.stringify(state, null, 1)}\n`, {mode: FILE_MODE, flag: 'wx'})
      fs.renameSync(temp, this.file)
    } catch (error) {
      fs.rmSync(temp, {force: true})
      throw sandboxPathError(this.file, error)
    }
  }

  private makeDir(): void {
    try {
      fs.mkdirSync(this.dir, {recursive: true, mode: DIR_MODE})
    } catch (error) {
      throw sandboxPathError(this.file, error)
    }
  }

  private locked<T>(work: (token: string) => T): T {
    this.makeDir()
    const token = `${process.pid}.${randomBytes(8).toString('hex')}`
    const deadline = Date.now() + this.lockTimeoutMs
    while (!this.tryLock(token)) {
      this.breakIfStale()
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for the sandbox lock ${this.lockFile}; delete it if no hactl is running.`)
      }

      sleepSync(LOCK_RETRY_REAL_MS)
    }

    try {
      return work(token)
    } finally {
      // Only our own lock: if ours was broken as stale, the file now is someone else's.
      if (this.lockHolder() === token) fs.rmSync(this.lockFile, {force: true})
    }
  }

  /** Creates the lock file holding `token`; false when it exists already. */
  private tryLock(token: string): boolean {
    let fd: number
    try {
      fd = fs.openSync(this.lockFile, 'wx', FILE_MODE)
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false
      throw sandboxPathError(this.file, error)
    }

    try {
      fs.writeSync(fd, token)
    } catch (error) {
      fs.closeSync(fd)
      fs.rmSync(this.lockFile, {force: true})
      throw error
    }

    fs.closeSync(fd)
    return true
  }

  /** The token in the lock file; undefined when there is none. */
  private lockHolder(): string | undefined {
    try {
      return fs.readFileSync(this.lockFile, 'utf8')
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined
      throw error
    }
  }

  /**
   * A lock older than staleLockMs belongs to a process that died mid-call (no
   * call takes that long). It is renamed to a name only this attempt uses and
   * then removed, so two processes breaking it at once cannot remove each
   * other's fresh lock. If what got renamed is no longer stale (another process
   * broke the stale lock and took a new one between our stat and our rename),
   * it is linked back under the lock's name (link never replaces a file).
   */
  private breakIfStale(): void {
    let stat: fs.Stats
    try {
      stat = fs.statSync(this.lockFile)
    } catch (error) {
      if (isCode(error, 'ENOENT')) return
      throw error
    }

    if (Date.now() - stat.mtimeMs <= this.staleLockMs) return
    const aside = `${this.lockFile}.${process.pid}.${randomBytes(8).toString('hex')}.stale`
    try {
      fs.renameSync(this.lockFile, aside)
    } catch (error) {
      if (isCode(error, 'ENOENT')) return // someone else broke it first: retry acquiring
      throw error
    }

    try {
      if (Date.now() - fs.statSync(aside).mtimeMs <= this.staleLockMs) restoreLock(aside, this.lockFile)
    } finally {
      fs.rmSync(aside, {force: true})
    }
  }
}

/** Puts a live lock taken aside by mistake back, unless a newer lock already exists. */
function restoreLock(aside: string, lockFile: string): void {
  try {
    fs.linkSync(aside, lockFile)
  } catch {
    // EEXIST: yet another process holds the lock by now. Other errors (a file system
    // without hard links): the holder finishes unlocked; its token check before
    // writing still stops it from overwriting a newer holder's state.
  }
}

/** What is wrong with a parsed state file (collections newer than it filled in), phrased to follow "The sandbox state file <path> …"; undefined when nothing. */
function stateProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'does not hold a JSON object'
  if (value.version !== 1) {
    return value.version === undefined
      ? 'is incomplete (no "version")'
      : `was written by another hactl version (state version ${JSON.stringify(value.version)}, this hactl reads 1)`
  }

  const fields: ReadonlyArray<[keyof SandboxState, (field: unknown) => boolean, string]> = [
    ['account', (field) => typeof field === 'string' && field !== '', 'a string'],
    ['seed', (field) => typeof field === 'string', 'a string'],
    ['counter', (field) => Number.isSafeInteger(field) && (field as number) >= 0, 'a whole number'],
    ['simNow', Number.isFinite, 'a number'],
    ['savedRealAt', Number.isFinite, 'a number'],
    ['regions', isRecord, 'an object'],
  ]
  for (const [name, valid, expected] of fields) {
    if (!valid(value[name])) return `is incomplete or damaged ("${name}" is not ${expected})`
  }

  if (value.accountWide !== undefined) {
    if (!isRecord(value.accountWide)) return 'is damaged ("accountWide" is not an object)'
    for (const shape of accountWideShapes()) {
      const problem = sliceProblem(value.accountWide[shape.key], shape, `"accountWide.${shape.key}"`)
      if (problem !== undefined) return problem
    }
  }

  for (const [region, state] of Object.entries(value.regions as Record<string, unknown>)) {
    if (!isRecord(state)) return `is damaged (region "${region}" is not an object)`
    for (const shape of sliceShapes()) {
      const problem = sliceProblem(state[shape.key], shape, `"regions.${region}.${shape.key}"`)
      if (problem !== undefined) return problem
    }
  }

  return undefined
}

/**
 * States written when IAM was kept per region hold it under a region: it
 * moves to `accountWide`, merged by name (the first region's record wins,
 * as one account cannot hold two roles of one name).
 */
function moveAccountWide(state: SandboxState): SandboxState {
  for (const shape of accountWideShapes()) {
    for (const region of Object.values(state.regions) as Array<Record<string, unknown>>) {
      const old = region[shape.key] as Record<string, unknown> | undefined
      if (old === undefined) continue
      delete region[shape.key]
      const wide = (state.accountWide ??= {}) as Record<string, Record<string, unknown[]> | undefined>
      const target = (wide[shape.key] ??= Object.fromEntries(shape.arrays.map((key) => [key, []])))
      for (const key of shape.arrays) {
        const have = new Set((target[key] ??= []).map(nameOf))
        target[key].push(...(old[key] as unknown[]).filter((item) => !have.has(nameOf(item))))
      }
    }
  }

  return state
}

function nameOf(item: unknown): unknown {
  return isRecord(item) ? (item.name ?? item.id) : item
}

/**
 * Makes the account-wide parts (IAM) appear on a region's object, as
 * accessors onto `state.accountWide`: services read and create them there
 * as before (EB's checks read `region.iam`), but they are stored once.
 * Not enumerable, so the state file holds them only under `accountWide`.
 */
export function linkAccountWide(state: SandboxState, region: RegionState): RegionState {
  for (const {key} of accountWideShapes()) {
    if (Object.getOwnPropertyDescriptor(region, key)?.get !== undefined) continue
    Object.defineProperty(region, key, {
      configurable: true,
      enumerable: false,
      get: () => (state.accountWide as Record<string, unknown> | undefined)?.[key],
      set: (value: unknown) => {
        ;((state.accountWide ??= {}) as Record<string, unknown>)[key] = value
      },
    })
  }

  return region
}

/**
 * What is wrong with one service's part of a region; undefined when nothing.
 * A collection the shape lists as `added` (newer than the file) is filled in
 * empty when absent: only a corrupt file is refused.
 */
export function sliceProblem(slice: unknown, shape: SliceShape, where: string): string | undefined {
  if (slice === undefined) return undefined
  if (!isRecord(slice)) return `is damaged (${where} is not an object)`
  for (const key of shape.added?.arrays ?? []) slice[key] ??= []
  for (const key of shape.added?.objects ?? []) slice[key] ??= {}
  const arrays = [...shape.arrays, ...(shape.added?.arrays ?? [])]
  const objects = [...shape.objects, ...(shape.added?.objects ?? [])]
  const missing = arrays.find((key) => !Array.isArray(slice[key])) ?? objects.find((key) => !isRecord(slice[key]))
  return missing === undefined ? undefined : `is incomplete or damaged (${where} has no valid "${missing}")`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as {code?: unknown}).code === code
}

/**
 * Blocks for a few ms. The lock is held only for one small JSON read-modify-write,
 * so a synchronous wait keeps the store (and `reset()`) synchronous.
 */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
