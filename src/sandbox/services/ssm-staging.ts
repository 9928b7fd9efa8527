import {createHash} from 'node:crypto'

import type {InstanceRecord} from './ec2-model'
import type {SeedRecord} from './ssm-model'
import type {ShellResult} from './ssm-shell'

/*
 * The staging runner on a simulated seed (src/staging/runner.ts on EC2). The
 * sandbox never runs it; it answers what the runner would print:
 *
 *   /usr/local/libexec/hactl/staging-run --marker
 *     ─► one line of ChangeMarker JSON, exit 0 (a seed whose boot has not
 *        reported has no runner yet: exit 127, "No such file or directory")
 *
 * The marker stands for the seed's code: it is derived from the instance and
 * its change counter (ssm.md "The seed's change counter"), so any command
 * sent to the seed since changes it, and a runner command itself (read-only)
 * does not count as a change. The sandbox imports no product code: the path
 * is written out again; test/src/sandbox/ssm-staging.test.ts checks it
 * against src/staging/runner.ts.
 */

export const STAGING_RUNNER_PATH = '/usr/local/libexec/hactl/staging-run'

/** The script's meaningful lines (no blanks, no comments). */
function lines(commands: readonly string[]): string[] {
  return commands
    .flatMap((command) => command.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/** True when every line of the script runs the staging runner (a read-only command: not a change). */
export function isRunnerScript(commands: readonly string[]): boolean {
  const all = lines(commands)
  return all.length > 0 && all.every((line) => line === STAGING_RUNNER_PATH || line.startsWith(`${STAGING_RUNNER_PATH} `))
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** The simulated seed's change marker: a function of the instance and how many changes it has had. */
export function seedMarker(instance: InstanceRecord, seed: SeedRecord | undefined): {value: string; code: string; plugins: string; appVersion: string; php: string} {
  const changes = seed?.changes ?? 0
  const code = sha(`${instance.id} code ${changes}`)
  const plugins = sha(`${instance.id} plugins`)
  const php = sha(`${instance.id} php -m`)
  const appVersion = 'sandbox'
  const value = `sha256:${sha(`code ${code}\nplugins ${plugins}\napp ${appVersion}\nphp ${php}\n`)}`
  return {value, code, plugins, appVersion, php}
}

/**
 * What the runner prints on this seed, or undefined when the script is not a
 * runner invocation the sandbox models (ssm-shell.ts then answers it).
 */
export function simulateRunner(commands: readonly string[], instance: InstanceRecord, seed: SeedRecord | undefined): ShellResult | undefined {
  const all = lines(commands)
  if (all.length !== 1) return undefined
  const words = all[0].split(/\s+/)
  if (words[0] !== STAGING_RUNNER_PATH) return undefined
  if (seed?.bootReportedAt === undefined) {
    return {exit: 127, stdout: '', stderr: `sh: ${STAGING_RUNNER_PATH}: No such file or directory\n`, seconds: 0, timedOut: false}
  }
  if (words.length === 2 && words[1] === '--marker') {
    return {exit: 0, stdout: `${JSON.stringify(seedMarker(instance, seed))}\n`, stderr: '', seconds: 2, timedOut: false}
  }
  return undefined
}
