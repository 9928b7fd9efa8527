/**
 * Prints the library's progress events on stderr, in the way that suits where
 * hactl runs:
 *
 *   --json            nothing (stdout carries only the result)
 *   TTY, not CI       one live spinner line: "Create the environment... demo-prod: Updating (3:05), 2 / 4 healthy"
 *   CI or a pipe      one line per event; a wait or health reading only when it changes
 */
import {ux} from '@oclif/core'

import type {ProgressEvent, Reporter} from '../core/progress'

/**
 * The live line on a TTY. hactl drives oclif's `ux.action`; tests pass a
 * recording one, so the spinner's behaviour is checked without a terminal.
 */
export interface Spinner {
  start(title: string, status?: string): void
  /** Changes the running spinner's title and status (undefined clears it). */
  update(title: string, status?: string): void
  /** Ends the spinner with a final word ("done", "failed"). */
  stop(message: string): void
  /** Runs `print` with the spinner paused, so a line lands above it, not inside it. */
  pause(print: () => void): void
}

/** The spinner of oclif's global `ux.action`, writing to stderr. */
export const oclifSpinner: Spinner = {
  pause(print) {
    void ux.action.pause(print)
  },
  start(title, status) {
    ux.action.start(title, status)
  },
  stop(message) {
    ux.action.stop(message)
  },
  update(title, status) {
    ux.action.task = {action: title, active: true, status}
  },
}

export interface CliReporterOptions {
  readonly json: boolean
  readonly stderrIsTty: boolean
  readonly ci: boolean
  /** Where lines go. @default process.stderr.write */
  readonly write?: (line: string) => void
  /** The live line on a TTY. @default oclifSpinner (oclif's `ux.action`) */
  readonly spinner?: Spinner
}

export interface CliReporter extends Reporter {
  /** Ends any live spinner, marking it done or failed. */
  stop(success: boolean): void
}

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  const minutes = Math.floor(seconds / 60)
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`
}

type HealthEvent = Extract<ProgressEvent, {type: 'health'}>

/** "2 / 4 healthy": what the spinner shows and a rollout's floor is judged by. */
export function formatHealthy(event: HealthEvent): string {
  return `${event.healthy} / ${event.total} healthy`
}

/** "; ami-new 2, ami-old 2", instance counts per AMI in a stable order, or nothing. */
function formatByImage(byImage: HealthEvent['byImage']): string {
  const entries = Object.entries(byImage ?? {}).sort(([a], [b]) => a.localeCompare(b))
  return entries.length === 0 ? '' : `; ${entries.map(([image, count]) => `${image} ${count}`).join(', ')}`
}

/** One event as a plain line, or undefined for events not worth a line. */
export function formatEventLine(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case 'step': {
      const mark = {done: 'done', fail: 'FAILED', skip: 'skipped', start: '...'}[event.state]
      return `${event.title} ${mark}${event.detail ? ` (${event.detail})` : ''}`
    }

    case 'stage': {
      const mark = {done: 'done', fail: 'FAILED', skip: 'skipped', start: 'started'}[event.state]
      return `[${event.index}/${event.total}] ${event.title}: ${mark}${event.detail ? ` (${event.detail})` : ''}`
    }

    case 'wait': {
      return `Waiting for ${event.what}: ${event.status || 'in progress'} (${formatElapsed(event.elapsedMs)} of ${formatElapsed(event.timeoutMs)})`
    }

    case 'event': {
      return `${event.time.toISOString()} ${event.severity.padEnd(5)} ${event.source}: ${event.message}`
    }

    case 'retry': {
      return `${event.service}: ${event.errorCode}, retrying (attempt ${event.attempt})`
    }

    case 'health': {
      return `Health of ${event.what}: ${formatHealthy(event)} (${event.color} / ${event.status})${formatByImage(event.byImage)}`
    }

    case 'warning': {
      return `Warning: ${event.message}`
    }

    case 'info': {
      return event.message
    }
  }
}

class LineReporter implements CliReporter {
  /** The last status printed per wait and per health reading, keyed by what. */
  private readonly lastWait = new Map<string, string>()
  private readonly lastHealth = new Map<string, string>()

  public constructor(private readonly write: (line: string) => void) {}

  public emit(event: ProgressEvent): void {
    // In CI logs a poll repeats itself every few seconds: print a wait or a
    // health reading only when it changes.
    if (event.type === 'wait' && unchanged(this.lastWait, event.what, event.status)) return
    if (event.type === 'health' && unchanged(this.lastHealth, event.what, formatEventLine(event) ?? '')) return

    const line = formatEventLine(event)
    if (line) this.write(line)
  }

  public stop(): void {}
}

/** True when `key` last had `value`; otherwise remembers `value`. */
function unchanged(last: Map<string, string>, key: string, value: string): boolean {
  if (last.get(key) === value) return true
  last.set(key, value)
  return false
}

/**
 * One live line for everything in flight (steps run in parallel), with each
 * finished step, AWS event or warning printed above it as it comes.
 */
class SpinnerReporter implements CliReporter {
  private running = false
  private readonly steps = new Map<string, string>()
  private waiting = ''
  private health = ''
  /** "[2/5] Seed": the running stage, in front of the live line. */
  private stage = ''

  public constructor(
    private readonly write: (line: string) => void,
    private readonly spinner: Spinner,
  ) {}

  public emit(event: ProgressEvent): void {
    switch (event.type) {
      case 'step': {
        if (event.state === 'start') {
          this.steps.set(event.id, event.title)
        } else {
          this.steps.delete(event.id)
          // A finished step ends whatever it was waiting for.
          this.waiting = ''
          this.health = ''
          const mark = {done: ux.colorize('green', '✓'), fail: ux.colorize('red', '✗'), skip: '-', start: ''}[event.state]
          this.print(`${mark} ${event.title}${event.detail ? ux.colorize('dim', ` ${event.detail}`) : ''}`)
        }

        this.refresh()
        break
      }

      case 'stage': {
        if (event.state === 'start') {
          this.stage = `[${event.index}/${event.total}] ${event.title}`
          this.print(ux.colorize('bold', `── ${this.stage}`))
        } else {
          this.stage = ''
          this.stop(event.state !== 'fail')
          const mark = {done: ux.colorize('green', '✓'), fail: ux.colorize('red', '✗'), skip: '-', start: ''}[event.state]
          const word = {done: 'done', fail: 'failed', skip: 'skipped', start: ''}[event.state]
          this.print(`${mark} [${event.index}/${event.total}] ${event.title} ${word}${event.detail ? ux.colorize('dim', `: ${event.detail}`) : ''}`)
        }

        break
      }

      case 'wait': {
        this.waiting = `${event.what}: ${event.status || 'in progress'} (${formatElapsed(event.elapsedMs)})`
        this.refresh()
        break
      }

      case 'health': {
        // Live on the spinner, not a line per poll: "2 / 4 healthy".
        this.health = formatHealthy(event)
        this.refresh()
        break
      }

      default: {
        const line = formatEventLine(event)
        if (line) this.print(line)
      }
    }
  }

  public stop(success: boolean): void {
    if (!this.running) return
    this.running = false
    this.spinner.stop(success ? 'done' : ux.colorize('red', 'failed'))
  }

  private print(line: string): void {
    if (this.running) {
      this.spinner.pause(() => this.write(line))
    } else {
      this.write(line)
    }
  }

  private refresh(): void {
    const titles = [...this.steps.values()]
    const status = [this.waiting, this.health].filter(Boolean).join(', ') || undefined
    if (titles.length === 0 && !status) return
    const inner = titles.length > 1 ? `${titles.length} in progress: ${titles.join(', ')}` : titles[0] ?? 'Waiting'
    const title = this.stage ? `${this.stage} · ${inner}` : inner
    if (this.running) {
      this.spinner.update(title, status)
    } else {
      this.spinner.start(title, status)
      this.running = true
    }
  }
}

const silent: CliReporter = {emit() {}, stop() {}}

export function createCliReporter(options: CliReporterOptions): CliReporter {
  if (options.json) return silent
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'))
  return options.stderrIsTty && !options.ci ? new SpinnerReporter(write, options.spinner ?? oclifSpinner) : new LineReporter(write)
}
