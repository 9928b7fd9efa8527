import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'

import {DURATIONS} from '../../../src/sandbox/durations'
import {REGION, manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

type Sandbox = ReturnType<typeof manualSandbox>

function client(sandbox: Sandbox): CloudWatchClient {
  const cw = new CloudWatchClient({region: REGION, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, retryStrategy: new ConfiguredRetryStrategy(1, () => 0)})
  cw.middlewareStack.use(sandbox.handle.plugin('cloudwatch'))
  return cw
}

const put = (cw: CloudWatchClient, AlarmName: string) =>
  cw.send(new PutMetricAlarmCommand({AlarmName, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Period: 60, Statistic: 'Sum', Threshold: 5}))

describe('sandbox CloudWatch alarms', () => {
  it('creates alarms with no data, pages DescribeAlarms by name, sets state and deletes', async () => {
    const cw = client(manualSandbox())
    for (const name of ['a-1', 'a-2', 'a-3']) await put(cw, name)
    const first = await cw.send(new DescribeAlarmsCommand({AlarmNames: ['a-1', 'a-2', 'a-3', 'nope'], MaxRecords: 2}))
    expect(first.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue])).toEqual([['a-1', 'INSUFFICIENT_DATA'], ['a-2', 'INSUFFICIENT_DATA']])
    const second = await cw.send(new DescribeAlarmsCommand({AlarmNames: ['a-1', 'a-2', 'a-3', 'nope'], MaxRecords: 2, NextToken: first.NextToken}))
    expect(second.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['a-3'])
    expect(second.NextToken).toBeUndefined()

    await cw.send(new SetAlarmStateCommand({AlarmName: 'a-2', StateReason: 'testing', StateValue: 'ALARM'}))
    const firing = await cw.send(new DescribeAlarmsCommand({StateValue: 'ALARM'}))
    expect(firing.MetricAlarms?.map((a) => [a.AlarmName, a.StateReason])).toEqual([['a-2', 'testing']])

    await cw.send(new DeleteAlarmsCommand({AlarmNames: ['a-1']}))
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms?.map((a) => a.AlarmName)).toEqual(['a-2', 'a-3'])
  })

  it('answers with AWS\'s errors', async () => {
    const cw = client(manualSandbox())
    await put(cw, 'a-1')
    await expect(cw.send(new SetAlarmStateCommand({AlarmName: 'gone', StateReason: 'x', StateValue: 'OK'}))).rejects.toMatchObject({name: 'ResourceNotFound'})
    await expect(cw.send(new DeleteAlarmsCommand({AlarmNames: ['a-1', 'gone']}))).rejects.toMatchObject({name: 'ResourceNotFound'})
    await expect(cw.send(new DescribeAlarmsCommand({AlarmNames: ['a-1'], AlarmNamePrefix: 'a'}))).rejects.toMatchObject({name: 'InvalidParameterCombinationException'})
    await expect(cw.send(new DescribeAlarmsCommand({MaxRecords: 101}))).rejects.toMatchObject({name: 'InvalidParameterValueException'})
    await expect(cw.send(new DescribeAlarmsCommand({NextToken: 'bogus'}))).rejects.toMatchObject({name: 'InvalidNextToken'})
    // DeleteAlarms with an unknown name deleted nothing.
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toHaveLength(1)
  })

  it('alarm-fires: the named alarms go to ALARM a few simulated minutes after the call', async () => {
    const sandbox = manualSandbox({faults: ['alarm-fires:cloudwatch:DescribeAlarms*1']})
    const cw = client(sandbox)
    await put(cw, 'site-5xx')
    await cw.send(new SetAlarmStateCommand({AlarmName: 'site-5xx', StateReason: 'fine', StateValue: 'OK'}))
    const state = async () => (await cw.send(new DescribeAlarmsCommand({AlarmNames: ['site-5xx']}))).MetricAlarms?.[0].StateValue
    expect(await state()).toBe('OK')
    sandbox.clock.advance(DURATIONS.alarmFires - 1000)
    expect(await state()).toBe('OK')
    sandbox.clock.advance(1000)
    expect(await state()).toBe('ALARM')
  })
})
