import {ManualClock} from '../../../src/core/clock'
import {Deadline} from '../../../src/core/deadline'
import {HactlError} from '../../../src/core/errors'
import {criticalPath, defineStep, runSteps, type Step} from '../../../src/core/steps'
import {RecordingReporter} from '../../../src/core/progress'

function deferred(): {promise: Promise<void>; resolve: () => void} {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return {promise, resolve}
}

/** A step that only waits until it is told to stop. */
function waitsForAbort(id: string, onAbort: () => void = () => {}, operation = false): Step<void> {
  return defineStep({
    id,
    run: (_inputs, {signal, startedOperation}) =>
      new Promise<void>((_, reject) => {
        if (operation) startedOperation()
        signal.addEventListener('abort', () => {
          onAbort()
          reject(new Error('stopped'))
        })
      }),
    title: id[0].toUpperCase() + id.slice(1),
  })
}

describe('runSteps', () => {
  it('starts independent steps together and a step only after what it needs', async () => {
    const order: string[] = []
    const gates = {a: deferred(), b: deferred()}
    const step = (id: string, gate?: Promise<void>) =>
      defineStep({
        id,
        async run() {
          order.push(`start ${id}`)
          await gate
          order.push(`end ${id}`)
        },
        title: id,
      })
    const a = step('a', gates.a.promise)
    const b = step('b', gates.b.promise)
    const c = defineStep({id: 'c', needs: {a, b}, run: async () => void order.push('start c', 'end c'), title: 'c'})
    const running = runSteps([c, a, b], {clock: new ManualClock(), reporter: new RecordingReporter()})
    await new Promise((r) => setImmediate(r))
    expect(order).toEqual(['start a', 'start b'])
    gates.b.resolve()
    gates.a.resolve()
    await running
    expect(order).toEqual(['start a', 'start b', 'end b', 'end a', 'start c', 'end c'])
  })

  it('hands a step the typed outputs of the steps it needs, under the names it gave them', async () => {
    const network = defineStep({id: 'env/network', run: async () => ({subnets: ['subnet-1', 'subnet-2'], vpcId: 'vpc-1'}), title: 'Network'})
    const groups = defineStep({id: 'env/security-groups', needs: {network}, run: async ({network: net}) => ({web: `sg-web-in-${net.vpcId}`}), title: 'Groups'})
    const database = defineStep({
      id: 'env/database',
      needs: {groups, net: network},
      run: async ({groups: ids, net}) => `db in ${net.subnets.length} subnets behind ${ids.web}`,
      title: 'Database',
    })
    const reporter = new RecordingReporter()
    const run = await runSteps([database, groups, network], {clock: new ManualClock(), reporter})
    expect(run.output(database)).toBe('db in 2 subnets behind sg-web-in-vpc-1')
    expect(run.output(network).vpcId).toBe('vpc-1')
    expect(reporter.ofType('step').filter((e) => e.state === 'done').map((e) => [e.id, e.detail])).toEqual([
      ['env/network', undefined],
      ['env/security-groups', undefined],
      ['env/database', 'db in 2 subnets behind sg-web-in-vpc-1'],
    ])
    expect(run.timings.find((t) => t.id === 'env/database')?.needs).toEqual(['env/security-groups', 'env/network'])
  })

  it('skips a step whose isDone answers with its output, and passes that output on', async () => {
    const run = jest.fn(async () => 'made')
    const bucket = defineStep({id: 'bucket', isDone: async () => 'found-bucket', run, title: 'Bucket'})
    const upload = defineStep({id: 'upload', needs: {bucket}, isDone: async () => undefined, run: async ({bucket: name}) => `into ${name}`, title: 'Upload'})
    const reporter = new RecordingReporter()
    const result = await runSteps([bucket, upload], {clock: new ManualClock(), reporter})
    expect(run).not.toHaveBeenCalled()
    expect(result.output(upload)).toBe('into found-bucket')
    expect(reporter.ofType('step').map((e) => `${e.id} ${e.state}`)).toEqual(['bucket skip', 'upload start', 'upload done'])
    expect(result.timings.find((t) => t.id === 'bucket')?.skipped).toBe(true)
  })

  it('supplies the run\'s deadline and signal to every step', async () => {
    const clock = new ManualClock()
    const deadline = Deadline.after(clock, 60_000)
    const seen: number[] = []
    const first = defineStep({
      id: 'first',
      async run(_inputs, context) {
        await clock.sleep(20_000, context.signal)
        seen.push(context.deadline.remainingMs())
      },
      title: 'first',
    })
    const second = defineStep({id: 'second', needs: {first}, run: async (_inputs, context) => void seen.push(context.deadline.wait(context.signal).timeoutMs), title: 'second'})
    await runSteps([first, second], {clock, deadline, reporter: new RecordingReporter()})
    expect(seen).toEqual([40_000, 40_000])
  })

  it('stops the others and throws the first failure; dependants never start', async () => {
    const reporter = new RecordingReporter()
    const seen: string[] = []
    const fails = defineStep({id: 'fails', run: () => Promise.reject(new Error('boom')), title: 'fails'})
    const waits = waitsForAbort('waits', () => seen.push('aborted'))
    const after = defineStep({id: 'after', needs: {waits}, run: async () => void seen.push('after ran'), title: 'after'})
    await expect(runSteps([fails, waits, after], {clock: new ManualClock(), reporter})).rejects.toThrow('boom')
    expect(seen).toEqual(['aborted'])
    const failed = reporter.ofType('step').filter((e) => e.state === 'fail')
    expect(failed.map((e) => e.id)).toEqual(['fails'])
  })

  it('rejects unknown needs, duplicate ids and cycles before running anything', async () => {
    const run = jest.fn(async () => {})
    const clock = new ManualClock()
    const reporter = new RecordingReporter()
    const x = defineStep({id: 'x', run, title: 'x'})
    await expect(runSteps([defineStep({id: 'a', needs: {x}, run, title: 'a'})], {clock, reporter})).rejects.toThrow('unknown step')
    await expect(runSteps([x, defineStep({id: 'x', run, title: 'x again'})], {clock, reporter})).rejects.toThrow('two steps have the id x')
    // A cycle cannot be written with constants; a needs record filled in afterwards makes one.
    const needsOfA: Record<string, Step> = {}
    const a = defineStep({id: 'a', needs: needsOfA, run, title: 'a'})
    const b = defineStep({id: 'b', needs: {a}, run, title: 'b'})
    needsOfA.b = b
    await expect(runSteps([a, b], {clock, reporter})).rejects.toThrow('cycle')
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
    const db = defineStep({id: 'db', run: () => Promise.reject(new HactlError('timeout', 'gave up')), title: 'Database'})
    // The cache step had asked AWS to create something: AWS goes on with it.
    const cache = waitsForAbort('cache', undefined, true)
    const env = defineStep({id: 'env', needs: {cache, db}, run: async () => {}, title: 'Environment'})
    const error = await runSteps([db, cache, env], {clock: new ManualClock(), reporter: new RecordingReporter()}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HactlError)
    expect((error as InstanceType<typeof HactlError>).suggestions).toEqual([
      'Stopped waiting for (AWS goes on with them): Cache.',
      'Not started: Environment.',
    ])
  })

  it('lists a step that was only reading or waiting as stopped waiting, not as work AWS goes on with', async () => {
    const db = defineStep({id: 'db', run: () => Promise.reject(new HactlError('timeout', 'gave up')), title: 'Database'})
    const poll = waitsForAbort('poll')
    const error = await runSteps([db, poll], {clock: new ManualClock(), reporter: new RecordingReporter()}).catch((e: unknown) => e)
    expect((error as InstanceType<typeof HactlError>).suggestions).toEqual(['Stopped waiting for: Poll.'])
  })
})
