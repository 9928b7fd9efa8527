import {DURATIONS} from '../durations'
import type {InstanceRecord} from './ec2-model'
import type {SeedRecord} from './ssm-model'
import type {ShellResult} from './ssm-shell'

/*
 * What `hactl bake` asks of a simulated seed around CreateImage
 * (src/bake/seed-scripts.ts on EC2). The sandbox never runs them; it knows
 * each by its first line and answers what it would do:
 *
 *   # hactl bake: stop-cron   systemctl stop hactl-cron.timer, then wait for a
 *                             running hactl-cron.service to end (the 2 s run
 *                             of the current minute, if one is going)
 *   # hactl bake: clean       removes what the image must not carry: exit 0
 *   # hactl bake: start-cron  systemctl start hactl-cron.timer
 *
 * While the timer is stopped the seed writes no cron heartbeats. `systemctl
 * stop` lasts until the next boot only: the reboot of a CreateImage without
 * NoReboot starts the (enabled) timer again. None of these is a change of
 * the seed's code (ssm-commands.ts does not count them). The sandbox imports
 * no product code: test/src/sandbox/ssm-cron.test.ts checks that the first
 * lines agree with src/bake/seed-scripts.ts.
 */

export const BAKE_SCRIPT_HEADERS = {
  stopCron: '# hactl bake: stop-cron',
  clean: '# hactl bake: clean',
  startCron: '# hactl bake: start-cron',
} as const

type BakeScript = keyof typeof BAKE_SCRIPT_HEADERS

function bakeScriptOf(commands: readonly string[]): BakeScript | undefined {
  const first = (commands[0] ?? '').split('\n')[0].trim()
  return (Object.keys(BAKE_SCRIPT_HEADERS) as BakeScript[]).find((name) => BAKE_SCRIPT_HEADERS[name] === first)
}

/** True for the bake's own scripts: they stop, clean and start, and change no code. */
export function isBakeScript(commands: readonly string[]): boolean {
  return bakeScriptOf(commands) !== undefined
}

/** When the seed's timer was stopped and is still stopped (a reboot after the stop started it again). */
function stoppedSince(instance: InstanceRecord): number | undefined {
  const stopped = instance.cronStoppedAt
  if (stopped === undefined) return undefined
  return instance.rebootedAt !== undefined && instance.rebootedAt >= stopped ? undefined : stopped
}

/** When the timer last started again after a stop: a `start`, or the end of a reboot that followed the stop. */
function restartedAt(instance: InstanceRecord): number | undefined {
  const rebootEnd = instance.rebootedAt === undefined ? undefined : instance.rebootedAt + DURATIONS.imageReboot
  const afterStop = instance.cronStoppedAt !== undefined && rebootEnd !== undefined && (instance.rebootedAt ?? 0) >= instance.cronStoppedAt
  const starts = [instance.cronStartedAt, afterStop ? rebootEnd : undefined].filter((at): at is number => at !== undefined)
  return starts.length > 0 ? Math.max(...starts) : undefined
}

/** The part of [from, end] in which the seed's timer fired: not while stopped, not before a restart. */
export function cronWindow(instance: InstanceRecord, from: number, end: number): {from: number; end: number} {
  const stopped = stoppedSince(instance)
  const restarted = restartedAt(instance)
  return {from: restarted === undefined ? from : Math.max(from, restarted), end: stopped === undefined ? end : Math.min(end, stopped)}
}

const ok = (stdout: string, seconds = 0): ShellResult => ({exit: 0, stdout, stderr: '', seconds, timedOut: false})

/** Seconds left of the cron run going at `at` (runs start on the minute and take seedCronRun), 0 when none is. */
function runningFor(at: number): number {
  const into = at % DURATIONS.seedCronPeriod
  return into < DURATIONS.seedCronRun ? Math.ceil((DURATIONS.seedCronRun - into) / 1000) : 0
}

/**
 * What one of the bake's scripts does on this seed at `now` (the send time),
 * or undefined when the script is not one of them. Stop and start change the
 * instance's cron state as systemctl would.
 */
/** `markerNow`: what `staging-run --marker` prints on this seed now (the clean script ends with it). */
export function simulateBakeScript(commands: readonly string[], instance: InstanceRecord, seed: SeedRecord | undefined, now: number, markerNow: () => string = () => ''): ShellResult | undefined {
  const script = bakeScriptOf(commands)
  if (script === undefined) return undefined
  if (seed?.bootReportedAt === undefined && script !== 'clean') {
    return {exit: 5, stdout: '', stderr: 'Failed to stop hactl-cron.timer: Unit hactl-cron.timer not loaded.\n', seconds: 0, timedOut: false}
  }

  switch (script) {
    case 'stopCron': {
      const at = now + DURATIONS.ssmCommandDelivery
      const running = stoppedSince(instance) === undefined ? runningFor(at) : 0
      instance.cronStoppedAt = at
      instance.cronStartedAt = undefined
      return ok(`hactl-cron.timer stopped; waited ${running} s for hactl-cron.service\n`, running)
    }

    case 'startCron': {
      instance.cronStartedAt = now + DURATIONS.ssmCommandDelivery
      instance.cronStoppedAt = undefined
      return ok('active\n')
    }

    case 'clean': {
      return ok(`hactl bake: cleaned\n${markerNow()}`)
    }
  }
}
