import {
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  DescribeInstancesHealthCommand,
  ElasticBeanstalkClient,
  type EventDescription,
} from '@aws-sdk/client-elastic-beanstalk'
import {mockClient} from 'aws-sdk-client-mock'

import {ManualClock} from '../../../src/core/clock'
import {createEbApi} from '../../../src/aws/eb'
import {EnvironmentEventPoller, EnvironmentHealthPoller, judgeEnvironment, verdictOn, watchEnvironment} from '../../../src/aws/eb-watch'
import {RecordingReporter} from '../../../src/core/progress'

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const event = (seconds: number, message: string): EventDescription => ({EnvironmentName: 'hactl-demo', EventDate: at(seconds), Message: message, Severity: 'INFO'})

describe('EnvironmentEventPoller', () => {
  const eb = mockClient(ElasticBeanstalkClient)
  beforeEach(() => eb.reset())
  afterAll(() => eb.restore())

  function poller(reporter = new RecordingReporter()) {
    const api = createEbApi(new ElasticBeanstalkClient({region: 'eu-west-1'}), {clock: new ManualClock(), reporter})
    return {poller: new EnvironmentEventPoller({eb: api, environmentName: 'hactl-demo', reporter, since: at(0)}), reporter}
  }

  it('asks from the last event it saw, not from the start, and drops only the boundary duplicate', async () => {
    // EB lists newest first; StartTime is inclusive, so the event at the cursor comes back.
    eb.on(DescribeEventsCommand)
      .resolvesOnce({Events: [event(20, 'secondEnvironment is starting.'), event(10, 'createEnvironment is starting.')]})
      .resolvesOnce({Events: [event(30, 'Created load balancer.'), event(20, 'Created security group.'), event(20, 'secondEnvironment is starting.')]})
      .resolves({Events: []})
    const {poller: events, reporter} = poller()

    const first = await events.poll()
    expect(first.map((e) => e.Message)).toEqual(['createEnvironment is starting.', 'secondEnvironment is starting.'])
    const second = await events.poll()
    // The same-instant event that arrived after the first poll is news; the one already shown is not.
    expect(second.map((e) => e.Message)).toEqual(['Created security group.', 'Created load balancer.'])
    await events.poll()

    const starts = eb.commandCalls(DescribeEventsCommand).map((call) => call.args[0].input.StartTime)
    expect(starts).toEqual([at(0), at(20), at(30)])
    expect(reporter.ofType('event').map((e) => e.message)).toEqual([
      'createEnvironment is starting.',
      'secondEnvironment is starting.',
      'Created security group.',
      'Created load balancer.',
    ])
  })

  it('keeps its place when a poll brings nothing new', async () => {
    eb.on(DescribeEventsCommand).resolvesOnce({Events: [event(5, 'one')]}).resolves({Events: [event(5, 'one')]})
    const {poller: events} = poller()
    await events.poll()
    expect(await events.poll()).toEqual([])
    expect(events.since).toEqual(at(5))
  })
})

describe('EnvironmentHealthPoller', () => {
  const eb = mockClient(ElasticBeanstalkClient)
  beforeEach(() => eb.reset())
  afterAll(() => eb.restore())

  it('counts healthy / total from each instance and emits a health event', async () => {
    eb.on(DescribeEnvironmentHealthCommand).resolves({Color: 'Yellow', HealthStatus: 'Warning', InstancesHealth: {Ok: 1, Pending: 1}})
    eb.on(DescribeInstancesHealthCommand)
      .resolvesOnce({InstanceHealthList: [{HealthStatus: 'Ok', InstanceId: 'i-1'}], NextToken: 'page2'})
      .resolves({InstanceHealthList: [{HealthStatus: 'Pending', InstanceId: 'i-2'}, {HealthStatus: 'Ok', InstanceId: 'i-3'}]})
    const reporter = new RecordingReporter()
    const api = createEbApi(new ElasticBeanstalkClient({region: 'eu-west-1'}), {clock: new ManualClock(), reporter})
    const reading = await new EnvironmentHealthPoller({eb: api, environmentName: 'hactl-demo', instances: true, reporter}).poll()
    expect(reading).toMatchObject({byStatus: {Ok: 2, Pending: 1}, healthy: 2, total: 3})
    expect(reading?.instances?.map((i) => i.instanceId)).toEqual(['i-1', 'i-2', 'i-3'])
    expect(eb.commandCalls(DescribeEnvironmentHealthCommand)[0].args[0].input.AttributeNames).toEqual(['All'])
    expect(reporter.ofType('health')).toEqual([{color: 'Yellow', healthy: 2, status: 'Warning', total: 3, type: 'health', what: 'hactl-demo'}])
  })
})

describe('judgeEnvironment', () => {
  it('calls Green healthy, Yellow degraded and Ready-but-Red a failure with EB\'s causes', () => {
    expect(judgeEnvironment({EnvironmentName: 'e', Health: 'Green', Status: 'Ready'})).toEqual({verdict: 'healthy'})
    expect(judgeEnvironment({EnvironmentName: 'e', Health: 'Yellow', Status: 'Ready'}, {causes: ['Slow.'], instances: {}})).toEqual({
      message: 'Environment e is Ready but Yellow: Slow..',
      verdict: 'degraded',
    })
    expect(judgeEnvironment({EnvironmentName: 'e', Health: 'Red', Status: 'Ready'}, {causes: ['Command failed on all instances.'], healthStatus: 'Severe', instances: {}})).toEqual({
      causes: ['Command failed on all instances.'],
      healthStatus: 'Severe',
      message: 'Environment e is Ready but its health is Red (Severe): Command failed on all instances.',
      verdict: 'failed',
    })
  })

  it('reads health only when the colour is not Green', async () => {
    const environmentHealth = jest.fn(async () => ({causes: ['Bad.'], healthStatus: 'Severe', instances: {Severe: 2}}))
    const poller = new EnvironmentHealthPoller({eb: {describeInstancesHealth: jest.fn(), environmentHealth}, environmentName: 'e', reporter: new RecordingReporter()})
    await expect(verdictOn({EnvironmentName: 'e', Health: 'Green', Status: 'Ready'}, poller)).resolves.toEqual({verdict: 'healthy'})
    expect(environmentHealth).not.toHaveBeenCalled()
    await expect(verdictOn({EnvironmentName: 'e', Health: 'Red', Status: 'Ready'}, poller)).resolves.toMatchObject({causes: ['Bad.'], verdict: 'failed'})
    expect(environmentHealth).toHaveBeenCalledTimes(1)
  })
})

describe('watchEnvironment', () => {
  const eb = mockClient(ElasticBeanstalkClient)
  beforeEach(() => eb.reset())
  afterAll(() => eb.restore())

  it('waits for a termination on the clock, showing EB\'s events', async () => {
    eb.on(DescribeEnvironmentsCommand)
      .resolvesOnce({Environments: [{EnvironmentName: 'hactl-demo', Health: 'Grey', Status: 'Terminating'}]})
      .resolves({Environments: [{EnvironmentName: 'hactl-demo', Status: 'Terminated'}]})
    eb.on(DescribeEventsCommand).resolvesOnce({Events: [event(1, 'terminateEnvironment is starting.')]}).resolves({Events: [event(40, 'terminateEnvironment completed successfully.')]})
    const clock = new ManualClock(T0)
    const reporter = new RecordingReporter()
    const api = createEbApi(new ElasticBeanstalkClient({region: 'eu-west-1'}), {clock, reporter})
    await expect(watchEnvironment({clock, eb: api, environmentName: 'hactl-demo', reporter, since: at(0), timeoutMs: 600_000, until: 'terminated'})).resolves.toBeUndefined()
    expect(clock.now() - T0).toBe(10_000)
    expect(reporter.ofType('event').map((e) => e.message)).toEqual(['terminateEnvironment is starting.', 'terminateEnvironment completed successfully.'])
  })
})
