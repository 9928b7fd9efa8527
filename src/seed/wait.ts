/**
 * The seed's two waits after "running": its SSM agent registering (Online),
 * and its boot script reporting. Both poll on the run's clock and take what
 * is left of the command's --wait.
 */
import type {SsmApi} from '../aws/ssm'
import {pollUntil} from '../aws/wait'
import type {Clock} from '../core/clock'
import type {Deadline} from '../core/deadline'
import type {Reporter} from '../core/progress'
import {readBootResult, type BootResult} from './state'

export interface SeedWaitOptions {
  readonly ssm: SsmApi
  readonly instanceId: string
  readonly clock: Clock
  readonly reporter: Reporter
  readonly deadline: Deadline
  readonly signal?: AbortSignal
}

const RESUME = 'Run `hactl seed status` to see where it stands; `hactl seed create` again waits for the same seed.'

/**
 * Until the agent's PingStatus is Online. Registration takes a minute or so
 * after boot (AWS-NOTES-2 B.4), and SendCommand to an unregistered instance
 * fails with InvalidInstanceId, so every command on the seed waits here first.
 */
export async function waitForAgent(options: SeedWaitOptions): Promise<void> {
  const {instanceId, reporter} = options
  reporter.emit({id: 'seed/agent', state: 'start', title: 'Wait for the SSM agent to register', type: 'step'})
  await pollUntil({
    check: (info) => (info?.pingStatus === 'Online' ? {state: 'done'} : {state: 'retry', status: info?.pingStatus ?? 'not registered'}),
    clock: options.clock,
    // At most 4 looks a minute (the throttling budget), so registration is seen within 15 s.
    maxDelayMs: 15_000,
    poll: async () => (await options.ssm.describeInstanceInformation([instanceId]))[0],
    reporter,
    resumeHint: RESUME,
    signal: options.signal,
    timeoutMs: options.deadline.remainingMs(),
    what: `the SSM agent on ${instanceId} to be Online`,
  })
  reporter.emit({id: 'seed/agent', state: 'done', title: 'Wait for the SSM agent to register', type: 'step'})
}

/** Until the boot script has written its result (ok or failed). */
export async function waitForBoot(options: SeedWaitOptions & {readonly site: string}): Promise<BootResult> {
  const {reporter} = options
  reporter.emit({id: 'seed/boot', state: 'start', title: 'Wait for the boot script to report', type: 'step'})
  const result = await pollUntil<BootResult | undefined>({
    check: (boot) => (boot ? {state: 'done-with', value: boot} : {state: 'retry', status: 'booting'}),
    clock: options.clock,
    // Installing packages and the code takes minutes; no need to look every 5 s, nor less than every 15 s.
    maxDelayMs: 15_000,
    minDelayMs: 10_000,
    poll: () => readBootResult(options.ssm, options.site),
    reporter,
    resumeHint: RESUME,
    signal: options.signal,
    timeoutMs: options.deadline.remainingMs(),
    what: `the boot script of ${options.instanceId} to report`,
  })
  const boot = result as BootResult
  reporter.emit({detail: boot.status, id: 'seed/boot', state: 'done', title: 'Wait for the boot script to report', type: 'step'})
  return boot
}
