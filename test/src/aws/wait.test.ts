import {DescribeInstancesCommand, type DescribeInstancesCommandInput, EC2Client, waitUntilInstanceRunning} from '@aws-sdk/client-ec2'

import {type Clock, ManualClock} from '../../../src/core/clock'
import {pollUntil, runSdkWaiter} from '../../../src/aws/wait'
import {ExitCode} from '../../../src/core/exit-codes'
import {AbortError, TimeoutError} from '../../../src/core/errors'
import {RecordingReporter} from '../../../src/core/progress'
import {useMockClient} from '../../_helpers/mock-client'

describe('pollUntil', () => {
  it('polls with backoff on the injected clock until done, reporting each status', async () => {
    const clock = new ManualClock()
    const reporter = new RecordingReporter()
    const states = ['pending', 'pending', 'pending', 'running']
    const result = await pollUntil({
      check: (s: string) => (s === 'running' ? {state: 'done'} : {state: 'retry', status: s}),
      clock,
      minDelayMs: 1000,
      poll: async () => states.shift()!,
      reporter,
      timeoutMs: 60_000,
      what: 'thing',
    })
    expect(result).toBe('running')
    // 1 s, 2 s, 4 s: exponential backoff, no real time spent.
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(7000)
    expect(reporter.ofType('wait').map((e) => e.status)).toEqual(['pending', 'pending', 'pending'])
  })

  it('times out with the timed-out exit code, the last status and how to resume', async () => {
    const clock = new ManualClock()
    const waiting = pollUntil({
      check: () => ({state: 'retry', status: 'Launching'}),
      clock,
      poll: async () => 'x',
      reporter: new RecordingReporter(),
      resumeHint: 'Run `hactl env status`.',
      timeoutMs: 120_000,
      what: 'environment demo to be Ready',
    })
    await expect(waiting).rejects.toBeInstanceOf(TimeoutError)
    await expect(waiting).rejects.toMatchObject({
      exitCode: ExitCode.TimedOut,
      message: expect.stringContaining('last seen: Launching'),
      suggestions: expect.arrayContaining(['Run `hactl env status`.']),
    })
    // It never sleeps past the deadline.
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(120_000)
  })

  it('stops on a failed verdict with the message', async () => {
    const failing = pollUntil({
      check: () => ({message: 'image state failed', state: 'failed'}),
      clock: new ManualClock(),
      poll: async () => 1,
      reporter: new RecordingReporter(),
      timeoutMs: 1000,
      what: 'image',
    })
    await expect(failing).rejects.toMatchObject({code: 'wait-failed', message: 'image failed: image state failed'})
  })

  it('stops when aborted (Ctrl-C) and says the work goes on', async () => {
    const controller = new AbortController()
    let polls = 0
    const waiting = pollUntil({
      check: () => {
        if (++polls === 2) controller.abort()
        return {state: 'retry', status: 'pending'}
      },
      clock: new ManualClock(),
      poll: async () => 1,
      reporter: new RecordingReporter(),
      signal: controller.signal,
      timeoutMs: 600_000,
      what: 'instance',
    })
    await expect(waiting).rejects.toBeInstanceOf(AbortError)
    expect(polls).toBe(2)
  })
})

describe('runSdkWaiter', () => {
  // Made in setup and restored after each test (STYLE 19), never at import.
  const ec2Mock = useMockClient(EC2Client)
  // A clock a thousand times faster than real time: the SDK waiter's 15 s delay becomes 15 ms.
  const fast: Clock = {now: () => Date.now(), scale: 1e3, sleep: async () => {}}


  /** runSdkWaiter on EC2's instance-running waiter for one instance, 15 s polls, 10 minutes, on the fast clock; `overrides` replace any of it. */
  function waitForRunning(overrides: Partial<Parameters<typeof runSdkWaiter<EC2Client, DescribeInstancesCommandInput>>[0]> = {}): Promise<void> {
    return runSdkWaiter({
      client: new EC2Client({region: 'eu-west-1'}),
      clock: fast,
      input: {InstanceIds: ['i-0123456789abcdef0']},
      minDelaySeconds: 15,
      reporter: new RecordingReporter(),
      timeoutMs: 10 * 60_000,
      waiter: waitUntilInstanceRunning,
      what: 'instance to be running',
      ...overrides,
    })
  }

  const reservation = (state: string) => ({Reservations: [{Instances: [{InstanceId: 'i-0123456789abcdef0', State: {Name: state}}]}]})

  it('runs the SDK\'s own waiter to success and reports each poll', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservation('pending') as never)
      .resolvesOnce(reservation('pending') as never)
      .resolves(reservation('running') as never)
    const reporter = new RecordingReporter()
    await waitForRunning({
      describe: (out) => (out as ReturnType<typeof reservation>).Reservations[0].Instances[0].State.Name,
      reporter,
    })
    expect(reporter.ofType('wait').map((e) => e.status)).toEqual(['pending', 'pending', 'running'])
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(3)
  })

  it('turns the waiter\'s failure state (instance terminated) into a hactl error', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservation('terminated') as never)
    const waiting = waitForRunning({
      describe: () => 'terminated',
      timeoutMs: 60_000,
    })
    await expect(waiting).rejects.toMatchObject({code: 'wait-failed', message: expect.stringContaining('last seen: terminated')})
  })

  it('turns the waiter\'s timeout into TimeoutError (exit 7)', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservation('pending') as never)
    // 1e4x: a 15 s poll is 1.5 ms and the 2-minute deadline 12 ms of real time.
    const clock: Clock = {now: () => Date.now(), scale: 1e4, sleep: async () => {}}
    const waiting = waitForRunning({
      clock,
      describe: () => 'pending',
      timeoutMs: 2 * 60_000,
    })
    await expect(waiting).rejects.toMatchObject({exitCode: ExitCode.TimedOut, message: expect.stringContaining('last seen: pending')})
  })

  it('stops at once on an error waiting cannot fix (access denied), instead of timing out', async () => {
    const denied = Object.assign(new Error('You are not authorized to perform this operation.'), {
      $fault: 'client',
      $metadata: {httpStatusCode: 403, requestId: 'r-9'},
      name: 'UnauthorizedOperation',
    })
    ec2Mock.on(DescribeInstancesCommand).rejects(denied)
    const waiting = waitForRunning()
    await expect(waiting).rejects.toMatchObject({
      awsCode: 'UnauthorizedOperation',
      exitCode: ExitCode.Aws,
      message: expect.stringContaining('waiting for instance to be running was denied'),
    })
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(1)
  })

  it('rides out "not found yet" right after a launch (eventual consistency)', async () => {
    const notYet = Object.assign(new Error("The instance ID 'i-0123456789abcdef0' does not exist"), {
      $fault: 'client',
      $metadata: {httpStatusCode: 400},
      name: 'InvalidInstanceID.NotFound',
    })
    ec2Mock.on(DescribeInstancesCommand).rejectsOnce(notYet).resolves(reservation('running') as never)
    await waitForRunning()
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(2)
  })
})
