import {execFile} from 'node:child_process'

export interface BashRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `bash file` with exactly `env` (no inherited variables), for at most
 * 20 s, without blocking the event loop, so loopback stand-ins served by this
 * process (IMDS, the AWS stub) can answer the script.
 */
export function runBash(file: string, env: Record<string, string>): Promise<BashRun> {
  return new Promise((resolve) => {
    execFile('bash', [file], {env, timeout: 20_000}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({code, stderr: String(stderr), stdout: String(stdout)})
    })
  })
}
