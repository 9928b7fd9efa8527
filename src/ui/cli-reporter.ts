/**
 * Prints the library's progress events on stderr, in the way that suits where
 * hactl runs:
 *
 *   --json            nothing (stdout carries only the result)
 *   TTY, not CI       one live spinner line: "Waiting for … 2 / 4 healthy (3:05)"
 *   CI or a pipe      one line per event, repeated statuses folded
 */
import {ux} from '@oclif/core'

import type {ProgressEvent, Reporter} from '../core/progress'

export interface CliReporterOptions {
  readonly json: boolean
  readonly stderrIsTty: boolean
  readonly ci: boolean
  /** Where lines go. @default process.stderr.write */
  readonly write?: (line: string) => void
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

/** One event as a plain line, or undefined for events not worth a line. */
export function formatEventLine(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case 'step': {
      const mark = {done: 'done', fail: 'FAILED', skip: 'skipped', start: '...'}[event.state]
      return `${event.title} ${mark}${event.detail ? ` (${event.detail})` : ''}`
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

    case 'warning': {
      return `Warning: ${event.message}`
    }

    case 'info': {
      return event.message
    }
  }
}

class LineReporter implements CliReporter {
  private lastWait = new Map<string, string>()

  public constructor(private readonly write: (line: string) => void) {}

  public emit(event: ProgressEvent): void {
    if (event.type === 'wait') {
      // In CI logs, print a wait only when its status changes.
      if (this.lastWait.get(event.what) === event.status) return
      this.lastWait.set(event.what, event.status)
    }

    const line = formatEventLine(event)
    if (line) this.write(line)
  }

  public stop(): void {}
}

/**
 * One live line for everything in flight (steps run in parallel), with each
 * finished step, AWS event or warning printed above it as it comes.
 */
class SpinnerReporter implements CliReporter {
  private running = false
  private readonly steps = new Map<string, string>()
  private waiting = ''

  public constructor(private readonly write: (line: string) => void) {}

  public emit(event: ProgressEvent): void {
    switch (event.type) {
      case 'step': {
        if (event.state === 'start') {
          this.steps.set(event.id, event.title)
        } else {
          this.steps.delete(event.id)
          this.waiting = ''
          const mark = {done: ux.colorize('green', '✓'), fail: ux.colorize('red', '✗'), skip: '-', start: ''}[event.state]
          this.print(`${mark} ${event.title}${event.detail ? ux.colorize('dim', ` ${event.detail}`) : ''}`)
        }

        this.refresh()
        break
      }

      case 'wait': {
        this.waiting = `${event.what}: ${event.status || 'in progress'} (${formatElapsed(event.elapsedMs)})`
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
    ux.action.stop(success ? 'done' : ux.colorize('red', 'failed'))
  }

  private print(line: string): void {
    if (this.running) {
      void ux.action.pause(() => this.write(line))
    } else {
      this.write(line)
    }
  }

  private refresh(): void {
    const titles = [...this.steps.values()]
    if (titles.length === 0 && !this.waiting) return
    const title = titles.length > 1 ? `${titles.length} in progress: ${titles.join(', ')}` : titles[0] ?? 'Waiting'
    if (!this.running) {
      ux.action.start(title)
      this.running = true
    } else {
      ux.action.task = {action: title, active: true, status: undefined}
    }

    if (this.waiting) ux.action.status = this.waiting
  }
}

const silent: CliReporter = {emit() {}, stop() {}}

export function createCliReporter(options: CliReporterOptions): CliReporter {
  if (options.json) return silent
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'))
  return options.stderrIsTty && !options.ci ? new SpinnerReporter(write) : new LineReporter(write)
}
