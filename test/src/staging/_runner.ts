/**
 * Installs the staging runner's files into a scratch libexec and runs it with
 * the seams pointed at a temp tree, for the unit tests and the real-parts
 * tests (test/real/staging.test.ts).
 */
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {type SeedFile} from '../../../src/seed/cron'

export interface RunnerRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Writes the files (by base name) into `libexec`; returns the runner's path. */
export function installStagingFiles(libexec: string, files: readonly SeedFile[]): string {
  mkdirSync(libexec, {recursive: true})
  for (const file of files) {
    const path = join(libexec, basename(file.path))
    writeFileSync(path, file.content)
    chmodSync(path, file.mode)
  }
  return join(libexec, 'staging-run')
}

/** Runs the runner with /bin/sh (dash on Debian: proves it is POSIX), asynchronously so servers keep answering. */
export function runStaging(runner: string, args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<RunnerRun> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', [runner, ...args], {env, timeout: timeoutMs})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (code) => resolve({code: code ?? -1, stderr, stdout}))
  })
}

/** The report line of a run's stdout. */
export function reportOf(run: RunnerRun): {checks: {id: string; status: string; ms: number; message: string}[]; marker: {value: string}; result: string; selection: string; trigger: string} {
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'))
  if (!line) throw new Error(`no report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`)
  return JSON.parse(line)
}

/** One check's result from a report. */
export function checkOf(run: RunnerRun, id: string): {status: string; message: string; ms: number} {
  const found = reportOf(run).checks.find((c) => c.id === id)
  if (!found) throw new Error(`no check ${id} in the report:\n${run.stdout}\n${run.stderr}`)
  return found
}
