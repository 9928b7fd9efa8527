import * as fs from 'node:fs'
import * as path from 'node:path'

import {DURATIONS} from './durations'
import type {SandboxState} from './types'

/** The state file's name under the state directory. */
export const STATE_FILE = 'sandbox.json'

/** How long to wait for another hactl process to finish its call before giving up. */
const LOCK_TIMEOUT_REAL_MS = 10_000
const LOCK_RETRY_REAL_MS = 5

/**
 * The persisted state: `<stateDir>/sandbox.json`, read and written whole on
 * every call. Writes go to a temp file that is renamed over the old one, so a
 * reader never sees half a file; read-modify-write runs under a lock file, so
 * two hactl processes (`hactl bake && hactl rollout --sandbox`, or two
 * terminals) never lose each other's changes.
 */
export class StateStore {
  public readonly file: string
  private readonly lockFile: string

  public constructor(
    private readonly dir: string,
    private readonly fresh: () => SandboxState,
  ) {
    this.file = path.join(dir, STATE_FILE)
    this.lockFile = `${this.file}.lock`
  }

  /** The state as last written (or a fresh one), without taking the lock. */
  public read(): SandboxState {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if (isCode(error, 'ENOENT')) return this.fresh()
      throw error
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
    return this.locked(() => {
      const exists = fs.existsSync(this.file)
      const state = this.read()
      const before = JSON.stringify(state)
      const result = change(state)
      if (!exists || JSON.stringify(state) !== before) {
        beforeWrite(state)
        this.write(state)
      }

      return result
    })
  }

  /** Replaces the state with a fresh one. */
  public reset(): void {
    this.locked(() => this.write(this.fresh()))
  }

  private parse(text: string): SandboxState {
    let state: unknown
    try {
      state = JSON.parse(text)
    } catch {
      throw new Error(`The sandbox state ${this.file} is not valid JSON. Run \`hactl sandbox reset\` or delete the file.`)
    }

    if (!isState(state)) {
      throw new Error(
        `The sandbox state ${this.file} was written by another hactl version. Run \`hactl sandbox reset\` or delete the file.`,
      )
    }

    return state
  }

  private write(state: SandboxState): void {
    fs.mkdirSync(this.dir, {recursive: true})
    const temp = `${this.file}.${process.pid}.${Date.now()}.tmp`
    fs.writeFileSync(temp, `${JSON.stringify(state, null, 1)}\n`)
    fs.renameSync(temp, this.file)
  }

  private locked<T>(work: () => T): T {
    fs.mkdirSync(this.dir, {recursive: true})
    const deadline = Date.now() + LOCK_TIMEOUT_REAL_MS
    let fd: number | undefined
    while (fd === undefined) {
      try {
        fd = fs.openSync(this.lockFile, 'wx')
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error
        this.breakIfStale()
        if (Date.now() > deadline) {
          throw new Error(`Timed out waiting for the sandbox lock ${this.lockFile}; delete it if no hactl is running.`)
        }

        sleepSync(LOCK_RETRY_REAL_MS)
      }
    }

    try {
      fs.writeSync(fd, String(process.pid))
      return work()
    } finally {
      fs.closeSync(fd)
      fs.rmSync(this.lockFile, {force: true})
    }
  }

  /** A lock older than a few seconds belongs to a process that died mid-call: no call takes that long. */
  private breakIfStale(): void {
    try {
      const age = Date.now() - fs.statSync(this.lockFile).mtimeMs
      if (age > DURATIONS.staleLockRealMs) fs.rmSync(this.lockFile, {force: true})
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error
    }
  }
}

function isState(value: unknown): value is SandboxState {
  return typeof value === 'object' && value !== null && (value as {version?: unknown}).version === 1
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
