import {ux} from '@oclif/core'

import {createCliReporter, formatElapsed, formatEventLine, oclifSpinner, type CliReporter, type Spinner} from '../../../src/ui/cli-reporter'

describe('cli reporter', () => {
  it('prints nothing under --json', () => {
    const lines: string[] = []
    const reporter = createCliReporter({ci: false, json: true, stderrIsTty: true, write: (l) => lines.push(l)})
    reporter.emit({message: 'hello', type: 'info'})
    reporter.emit({elapsedMs: 1, status: 'pending', timeoutMs: 10, type: 'wait', what: 'x'})
    expect(lines).toEqual([])
  })

  it('in CI prints one line per event and folds repeated wait statuses', () => {
    const lines: string[] = []
    const reporter = createCliReporter({ci: true, json: false, stderrIsTty: true, write: (l) => lines.push(l)})
    for (const [status, elapsedMs] of [['pending', 15_000], ['pending', 30_000], ['running', 45_000]] as const) {
      reporter.emit({elapsedMs, status, timeoutMs: 600_000, type: 'wait', what: 'instance i-1 to be running'})
    }

    reporter.emit({attempt: 2, errorCode: 'RequestLimitExceeded', service: 'ec2', type: 'retry'})
    expect(lines).toEqual([
      'Waiting for instance i-1 to be running: pending (0:15 of 10:00)',
      'Waiting for instance i-1 to be running: running (0:45 of 10:00)',
      'ec2: RequestLimitExceeded, retrying (attempt 2)',
    ])
  })

  it('formats events as lines', () => {
    expect(formatEventLine({id: 'vpc', state: 'done', title: 'Find the network', type: 'step'})).toBe('Find the network done')
    expect(
      formatEventLine({message: 'createEnvironment is starting.', severity: 'INFO', source: 'demo-prod', time: new Date(Date.UTC(2026, 0, 1)), type: 'event'}),
    ).toBe('2026-01-01T00:00:00.000Z INFO  demo-prod: createEnvironment is starting.')
    expect(formatEventLine({message: 'careful', type: 'warning'})).toBe('Warning: careful')
  })

  it('formats elapsed time as m:ss', () => {
    expect(formatElapsed(0)).toBe('0:00')
    expect(formatElapsed(65_400)).toBe('1:05')
    expect(formatElapsed(3_600_000)).toBe('60:00')
  })
})

/** A spinner that records what the reporter asked of it, as ux.action would show it. */
class RecordingSpinner implements Spinner {
  public readonly calls: string[] = []
  public title?: string
  public status?: string
  public running = false

  public constructor(private readonly lines: string[]) {}

  public start(title: string, status?: string): void {
    this.calls.push(`start ${title}${status ? ` [${status}]` : ''}`)
    Object.assign(this, {running: true, status, title})
  }

  public update(title: string, status?: string): void {
    this.calls.push(`update ${title}${status ? ` [${status}]` : ''}`)
    Object.assign(this, {status, title})
  }

  public stop(message: string): void {
    this.calls.push(`stop ${message}`)
    this.running = false
  }

  public pause(print: () => void): void {
    this.lines.push('(paused)')
    print()
  }
}

describe('cli reporter on a TTY (spinner)', () => {
  let lines: string[]
  let spinner: RecordingSpinner
  let reporter: CliReporter

  beforeEach(() => {
    lines = []
    spinner = new RecordingSpinner(lines)
    reporter = createCliReporter({ci: false, json: false, spinner, stderrIsTty: true, write: (l) => lines.push(l)})
  })

  const step = (id: string, state: 'start' | 'done' | 'fail' | 'skip', detail?: string) =>
    reporter.emit({detail, id, state, title: `Step ${id}`, type: 'step'})
  const wait = (status: string, elapsedMs: number) => reporter.emit({elapsedMs, status, timeoutMs: 600_000, type: 'wait', what: 'demo-prod'})
  const health = (healthy: number, total: number) =>
    reporter.emit({color: 'Yellow', healthy, status: 'Warning', total, type: 'health', what: 'demo-prod'})

  it('starts on the first step, retitles for steps in parallel, and prints finished steps above the spinner', () => {
    step('a', 'start')
    step('b', 'start')
    step('a', 'done', '(vpc-1)')
    step('b', 'skip')
    expect(spinner.calls).toEqual([
      'start Step a',
      'update 2 in progress: Step a, Step b',
      'update Step b',
    ])
    expect(lines).toEqual(['(paused)', '✓ Step a (vpc-1)', '(paused)', '- Step b'])
    reporter.stop(true)
    expect(spinner.calls.at(-1)).toBe('stop done')
    expect(spinner.running).toBe(false)
  })

  it('shows waits as the spinner status, with elapsed time', () => {
    step('env', 'start')
    wait('Launching', 65_000)
    expect(spinner).toMatchObject({status: 'demo-prod: Launching (1:05)', title: 'Step env'})
    wait('', 70_000)
    expect(spinner.status).toBe('demo-prod: in progress (1:10)')
  })

  it('shows a health reading as "2 / 4 healthy" on the spinner, not as lines', () => {
    step('env', 'start')
    wait('Updating', 5_000)
    health(2, 4)
    expect(spinner.status).toBe('demo-prod: Updating (0:05), 2 / 4 healthy')
    health(3, 4)
    expect(spinner.status).toBe('demo-prod: Updating (0:05), 3 / 4 healthy')
    expect(lines).toEqual([])
    // A finished step ends its wait: the status goes with it.
    step('next', 'start')
    step('env', 'done')
    expect(spinner).toMatchObject({status: undefined, title: 'Step next'})
  })

  it('starts a spinner for a health reading that comes before any step', () => {
    health(0, 2)
    expect(spinner.calls).toEqual(['start Waiting [0 / 2 healthy]'])
  })

  it('stops as failed on failure, and prints the failed step', () => {
    step('env', 'start')
    step('env', 'fail', 'Red')
    reporter.stop(false)
    expect(lines).toEqual(['(paused)', '✗ Step env Red'])
    expect(spinner.calls.at(-1)).toBe('stop failed')
  })

  it('stops only a running spinner, once', () => {
    reporter.stop(false)
    expect(spinner.calls).toEqual([])
    step('a', 'start')
    reporter.stop(true)
    reporter.stop(false)
    expect(spinner.calls).toEqual(['start Step a', 'stop done'])
  })

  it('prints AWS events, retries and warnings above the running spinner, and plainly when none runs', () => {
    reporter.emit({message: 'before', type: 'warning'})
    step('a', 'start')
    reporter.emit({attempt: 2, errorCode: 'Throttling', service: 'elasticbeanstalk', type: 'retry'})
    expect(lines).toEqual(['Warning: before', '(paused)', 'elasticbeanstalk: Throttling, retrying (attempt 2)'])
  })

  it('never touches the spinner under --json, even on a TTY', () => {
    const silent = createCliReporter({ci: false, json: true, spinner, stderrIsTty: true, write: (l) => lines.push(l)})
    silent.emit({id: 'a', state: 'start', title: 'A', type: 'step'})
    silent.emit({color: 'Green', healthy: 2, status: 'Ok', total: 2, type: 'health', what: 'x'})
    silent.stop(false)
    expect(spinner.calls).toEqual([])
    expect(lines).toEqual([])
  })

  it('uses lines, not the spinner, in CI or when stderr is not a TTY', () => {
    for (const options of [{ci: true, stderrIsTty: true}, {ci: false, stderrIsTty: false}]) {
      const lineReporter = createCliReporter({...options, json: false, spinner, write: (l) => lines.push(l)})
      lineReporter.emit({id: 'a', state: 'start', title: 'A', type: 'step'})
      lineReporter.stop(true)
    }
    expect(spinner.calls).toEqual([])
    expect(lines).toEqual(['A ...', 'A ...'])
  })
})

describe('cli reporter in CI (lines)', () => {
  it('prints one line per health reading when it changes', () => {
    const lines: string[] = []
    const reporter = createCliReporter({ci: true, json: false, stderrIsTty: false, write: (l) => lines.push(l)})
    const reading = (healthy: number, color: string, byImage?: Record<string, number>) =>
      reporter.emit({byImage, color, healthy, status: color === 'Green' ? 'Ok' : 'Warning', total: 4, type: 'health', what: 'demo-prod'})
    reading(2, 'Yellow', {'ami-new': 1, 'ami-old': 3})
    reading(2, 'Yellow', {'ami-new': 1, 'ami-old': 3})
    reading(3, 'Yellow', {'ami-new': 2, 'ami-old': 2})
    reading(4, 'Green', {'ami-new': 4})
    reading(4, 'Green', {'ami-new': 4})
    expect(lines).toEqual([
      'Health of demo-prod: 2 / 4 healthy (Yellow / Warning); ami-new 1, ami-old 3',
      'Health of demo-prod: 3 / 4 healthy (Yellow / Warning); ami-new 2, ami-old 2',
      'Health of demo-prod: 4 / 4 healthy (Green / Ok); ami-new 4',
    ])
  })

  it('keeps readings of different environments apart', () => {
    const lines: string[] = []
    const reporter = createCliReporter({ci: true, json: false, stderrIsTty: false, write: (l) => lines.push(l)})
    for (const what of ['a', 'b', 'a']) reporter.emit({color: 'Green', healthy: 1, status: 'Ok', total: 1, type: 'health', what})
    expect(lines).toEqual(['Health of a: 1 / 1 healthy (Green / Ok)', 'Health of b: 1 / 1 healthy (Green / Ok)'])
  })
})

describe('oclifSpinner', () => {
  it('drives oclif\'s ux.action', () => {
    const start = jest.spyOn(ux.action, 'start').mockImplementation(() => {})
    const stop = jest.spyOn(ux.action, 'stop').mockImplementation(() => {})
    const pause = jest.spyOn(ux.action, 'pause').mockImplementation(async (fn) => fn())
    try {
      oclifSpinner.start('Create', '0 / 2 healthy')
      const print = jest.fn()
      oclifSpinner.pause(print)
      oclifSpinner.update('Create the environment', '1 / 2 healthy')
      expect(ux.action.task).toEqual({action: 'Create the environment', active: true, status: '1 / 2 healthy'})
      oclifSpinner.stop('done')
      expect(start).toHaveBeenCalledWith('Create', '0 / 2 healthy')
      expect(print).toHaveBeenCalledTimes(1)
      expect(stop).toHaveBeenCalledWith('done')
    } finally {
      ux.action.task = undefined
      start.mockRestore()
      stop.mockRestore()
      pause.mockRestore()
    }
  })
})
