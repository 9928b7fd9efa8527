/**
 * Forgets the simulated region: deletes the state file without reading it,
 * so it also clears a corrupt file or one written by another hactl version.
 */
import {existsSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {STATE_FILE} from './store'

export interface ResetSandboxResult {
  readonly stateFile: string
  /** False when there was nothing to delete. */
  readonly removed: boolean
}

export function resetSandboxState(stateDir: string): ResetSandboxResult {
  const stateFile = join(stateDir, STATE_FILE)
  const removed = existsSync(stateFile)
  // recursive: a directory in the state file's place is cleared too (it is hactl's own path).
  rmSync(stateFile, {force: true, recursive: true})
  rmSync(`${stateFile}.lock`, {force: true})
  return {removed, stateFile}
}
