import {type CallKey} from '../../../src/aws/clients'
import {ManualClock} from '../../../src/core/clock'
import {HactlError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import {RecordingReporter} from '../../../src/core/progress'
import {runStages, type Stage} from '../../../src/pipeline/stages'
import {formatEventLine} from '../../../src/ui/cli-reporter'

function harness() {
  const clock = new ManualClock()
  const counts = new Map<CallKey, number>()
  const call = (key: CallKey) => counts.set(key, (counts.get(key) ?? 0) + 1)
  return {calls: () => new Map(counts), call, clock, reporter: new RecordingReporter()}
}

describe('runStages', () => {
  it('skips a stage whose check says done, runs the others, and counts each stage\'s calls and time', async () => {
    const h = harness()
    const stages: Stage[] = [
      {check: async () => (h.call('elasticbeanstalk:DescribeEnvironments'), {detail: 'Ready, Green', done: true}), id: 'env', run: async () => 'never', title: 'Environment'},
      {
        check: async () => ({done: false}),
        id: 'bake',
        async run() {
          h.call('ec2:DescribeImages')
          h.call('ec2:CreateImage')
          h.clock.advance(90_000)
          return 'ami-1'
        },
        title: 'Bake',
      },
    ]
    const result = await runStages({...h, stages})
    expect(result.error).toBeUndefined()
    expect(result.stages).toEqual([
      expect.objectContaining({awsCalls: {byOperation: {'elasticbeanstalk:DescribeEnvironments': 1}, commands: 0, mutations: 0, total: 1}, detail: 'Ready, Green', id: 'env', outcome: 'skipped'}),
      expect.objectContaining({awsCalls: {byOperation: {'ec2:CreateImage': 1, 'ec2:DescribeImages': 1}, commands: 0, mutations: 1, total: 2}, detail: 'ami-1', elapsedMs: 90_000, id: 'bake', outcome: 'done'}),
    ])
    expect(h.reporter.ofType('stage').map((e) => formatEventLine(e))).toEqual([
      '[1/2] Environment: started',
      '[1/2] Environment: skipped (Ready, Green)',
      '[2/2] Bake: started',
      '[2/2] Bake: done (ami-1)',
    ])
  })

  it('stops at the first failing stage with its exit code and marks the rest not run', async () => {
    const h = harness()
    const rolledBack = new HactlError('rolled-back', 'The rollout was rolled back: Red for 5 minutes.\nmore', {exitCode: ExitCode.RolledBack})
    let ranAfter = false
    const stages: Stage[] = [
      {check: async () => ({done: false}), id: 'rollout', run: async () => Promise.reject(rolledBack), title: 'Roll out'},
      {check: async () => ({done: false}), id: 'after', run: async () => ((ranAfter = true), 'x'), title: 'After'},
    ]
    const result = await runStages({...h, stages})
    expect(result.error).toBe(rolledBack)
    expect(ranAfter).toBe(false)
    expect(result.stages.map((s) => [s.id, s.outcome, s.exitCode, s.detail])).toEqual([
      ['rollout', 'failed', ExitCode.RolledBack, 'The rollout was rolled back: Red for 5 minutes.'],
      ['after', 'not-run', undefined, 'an earlier stage failed'],
    ])
  })

  it('starts no stage after an interrupt', async () => {
    const h = harness()
    const controller = new AbortController()
    controller.abort()
    const result = await runStages({...h, signal: controller.signal, stages: [{check: async () => ({done: false}), id: 'env', run: async () => 'x', title: 'Environment'}]})
    expect(result.stages[0]).toMatchObject({detail: 'interrupted', outcome: 'not-run'})
    // Not a success with the stage left undone: exit 130.
    expect(result.error).toMatchObject({exitCode: ExitCode.Interrupted})
  })
})
