/**
 * The seed's change marker, for `hactl status --marker`: `staging-run
 * --marker` on the seed through SSM Run Command (src/seed/exec.ts), so status
 * can say whether the seed changed since the last staging run.
 *
 * Why it is behind a flag and not read in parallel by default: it is the
 * only part of status that is not a read. SendCommand runs a command on the
 * seed (read-only there, but it needs ssm:SendCommand, which a read-only
 * operator or a CI viewer may not have, and it leaves a command in SSM's
 * history), and its answer takes seconds (delivery to the agent, then
 * polling GetCommandInvocation), more than every other read of status put
 * together. So status stays fast and read-only, and the flag asks for it;
 * `hactl bake` reads the marker itself before it trusts a test run.
 *
 * It never fails status: no seed, an agent that is not Online, a runner that
 * is not installed yet or a slow answer (MARKER_TIMEOUT_MS) each come back
 * as `{error}`.
 */
import type {AwsClients} from '../aws/clients'
import {Deadline} from '../core/deadline'
import {silentReporter, type Reporter} from '../core/progress'

/** How long status waits for the marker: SSM delivers in seconds; past this the seed is not answering. */
export const MARKER_TIMEOUT_MS = 60_000

/** The marker's value (`sha256:<hex>`), or why it could not be read. */
export type SeedMarker = {readonly value: string} | {readonly error: string}

export interface ReadSeedMarkerOptions {
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 'ssm'>
  readonly site: string
  /** The seed status found, if any; undefined: no seed. */
  readonly instanceId: string | undefined
  /** The seed's agent as status found it: only an Online agent is asked (status does not wait for one). */
  readonly agent: string
  /** @default silentReporter */
  readonly reporter?: Reporter
}

export async function readSeedMarker(options: ReadSeedMarkerOptions): Promise<SeedMarker> {
  if (!options.instanceId) return {error: 'no seed'}
  if (options.agent !== 'Online') return {error: `the seed's SSM agent is ${options.agent}, not Online`}
  const [{execOnSeed}, {STAGING_RUNNER}] = await Promise.all([import('../seed/exec'), import('../staging/runner')])
  try {
    const result = await execOnSeed({
      argv: [`${STAGING_RUNNER} --marker`],
      clients: options.clients,
      deadline: Deadline.after(options.clients.clock, MARKER_TIMEOUT_MS),
      reporter: options.reporter ?? silentReporter,
      site: options.site,
    })
    const line = result.stdout.split('\n').find((text) => text.startsWith('{'))
    const value = line ? (JSON.parse(line) as {value?: unknown}).value : undefined
    if (result.exitCode !== 0 || typeof value !== 'string') {
      return {error: `staging-run --marker exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().split('\n')[0] || 'no marker printed'}`}
    }

    return {value}
  } catch (error) {
    return {error: (error as Error).message}
  }
}
