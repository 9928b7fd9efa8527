import {createCliReporter, formatElapsed, formatEventLine} from '../../../src/ui/cli-reporter'

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
