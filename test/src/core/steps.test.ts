import {ManualClock} from '../../../src/core/clock'
import {criticalPath, runSteps, type Step} from '../../../src/core/steps'
import {RecordingReporter} from '../../../src/core/progress'

function deferred(): {promise: Promise<void>; resolve: () => void} {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return {promise, resolve}
}

describe('runSteps', () => {
  it('starts independent steps together and a step only after what it needs', async () => {
    const order: string[] = []
    const gates = {a: deferred(), b: deferred()}
    const step = (id: string, needs: string[], gate?: Promise<void>): Step => ({
      id,
      needs,
      async run() {
        order.push(`start ${id}`)
        await gate
        order.push(`end ${id}`)
      },
      title: id,
    })
    const running = runSteps([step('c', ['a', 'b']), step('a', [], gates.a.promise), step('b', [], gates.b.promise)], {
      clock: new ManualClock(),
      reporter: new RecordingReporter(),
    })
    await new Promise((r) => setImmediate(r))
    expect(order).toEqual(['start a', 'start b'])
    gates.b.resolve()
    gates.a.resolve()
    await running
    expect(order).toEqual(['start a', 'start b', 'end b', 'end a', 'start c', 'end c'])
  })

  it('stops the others and throws the first failure; dependants never start', async () => {
    const reporter = new RecordingReporter()
    const seen: string[] = []
    const steps: Step[] = [
      {id: 'fails', needs: [], run: () => Promise.reject(new Error('boom')), title: 'fails'},
      {
        id: 'waits',
        needs: [],
        run: (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              seen.push('aborted')
              reject(new Error('stopped'))
            })
          }),
        title: 'waits',
      },
      {id: 'after', needs: ['waits'], run: async () => void seen.push('after ran'), title: 'after'},
    ]
    await expect(runSteps(steps, {clock: new ManualClock(), reporter})).rejects.toThrow('boom')
    expect(seen).toEqual(['aborted'])
    const failed = reporter.ofType('step').filter((e) => e.state === 'fail')
    expect(failed.map((e) => e.id)).toEqual(['fails'])
  })

  it('rejects unknown needs and cycles before running anything', async () => {
    const run = jest.fn(async () => {})
    const clock = new ManualClock()
    const reporter = new RecordingReporter()
    await expect(runSteps([{id: 'a', needs: ['x'], run, title: 'a'}], {clock, reporter})).rejects.toThrow('unknown step')
    await expect(
      runSteps(
        [
          {id: 'a', needs: ['b'], run, title: 'a'},
          {id: 'b', needs: ['a'], run, title: 'b'},
        ],
        {clock, reporter},
      ),
    ).rejects.toThrow('cycle')
    expect(run).not.toHaveBeenCalled()
  })
})

describe('criticalPath', () => {
  it('is the longest chain of durations', () => {
    const steps = [
      {id: 'net', needs: []},
      {id: 'sg', needs: ['net']},
      {id: 'db', needs: ['sg']},
      {id: 'efs', needs: []},
      {id: 'env', needs: ['db', 'efs']},
    ]
    const durations: Record<string, number> = {db: 13, efs: 2, env: 6, net: 1, sg: 1}
    expect(criticalPath(steps, (id) => durations[id])).toEqual({ms: 21, path: ['net', 'sg', 'db', 'env']})
  })
})

describe('runSteps on failure', () => {
  it('tells what was cut short and what never started', async () => {
    const {HactlError} = await import('../../../src/core/errors')
    const steps: Step[] = [
      {id: 'db', needs: [], run: () => Promise.reject(new HactlError('timeout', 'gave up')), title: 'Database'},
      {id: 'cache', needs: [], run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))), title: 'Cache'},
      {id: 'env', needs: ['db', 'cache'], run: async () => {}, title: 'Environment'},
    ]
    const error = await runSteps(steps, {clock: new ManualClock(), reporter: new RecordingReporter()}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HactlError)
    expect((error as InstanceType<typeof HactlError>).suggestions).toEqual([
      'Stopped waiting for (AWS goes on with them): Cache.',
      'Not started: Environment.',
    ])
  })
})
