import {CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient, UpdateScheduleCommand, type CreateScheduleCommandInput} from '@aws-sdk/client-scheduler'

import {parseScheduleExpression, lastCronMinute} from '../../../src/sandbox/services/scheduler-expressions'
import {REGION, manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

const ACCOUNT = '123456789012'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/hactl-demo-eu-west-1-scheduler`

function clients() {
  const sandbox = manualSandbox()
  const config = {region: REGION, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, maxAttempts: 1}
  const scheduler = new SchedulerClient(config)
  const iam = new IAMClient(config)
  scheduler.middlewareStack.use(sandbox.handle.plugin('scheduler'))
  iam.middlewareStack.use(sandbox.handle.plugin('iam'))
  return {...sandbox, iam, scheduler}
}

const trust = JSON.stringify({Statement: [{Action: 'sts:AssumeRole', Effect: 'Allow', Principal: {Service: 'scheduler.amazonaws.com'}}], Version: '2012-10-17'})

function input(extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    FlexibleTimeWindow: {Mode: 'OFF'},
    Name: 'hactl-demo-staging-tests',
    ScheduleExpression: 'rate(1 hour)',
    Target: {Arn: 'arn:aws:scheduler:::aws-sdk:ssm:sendCommand', Input: '{"DocumentName":"AWS-RunShellScript","InstanceIds":["i-0123456789abcdef0"],"Parameters":{"commands":["true"]}}', RoleArn: ROLE, RetryPolicy: {MaximumRetryAttempts: 2}},
    ...extra,
  }
}

describe('sandbox EventBridge Scheduler', () => {
  it('creates, gets, lists, updates and deletes a schedule with AWS\'s errors', async () => {
    const sandbox = clients()
    await expect(sandbox.scheduler.send(new CreateScheduleCommand(input()))).rejects.toMatchObject({name: 'ValidationException', message: expect.stringContaining('execution role')})
    await sandbox.iam.send(new CreateRoleCommand({AssumeRolePolicyDocument: trust, RoleName: 'hactl-demo-eu-west-1-scheduler'}))
    const {ScheduleArn} = await sandbox.scheduler.send(new CreateScheduleCommand(input()))
    expect(ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/hactl-demo-staging-tests`)
    await expect(sandbox.scheduler.send(new CreateScheduleCommand(input()))).rejects.toMatchObject({name: 'ConflictException', $metadata: {httpStatusCode: 409}})
    const got = await sandbox.scheduler.send(new GetScheduleCommand({Name: 'hactl-demo-staging-tests'}))
    expect(got).toMatchObject({ScheduleExpression: 'rate(1 hour)', ScheduleExpressionTimezone: 'UTC', State: 'ENABLED', Target: {RetryPolicy: {MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 86_400}}})
    await sandbox.scheduler.send(new UpdateScheduleCommand({...input(), ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris'}))
    expect(await sandbox.scheduler.send(new GetScheduleCommand({Name: 'hactl-demo-staging-tests'}))).toMatchObject({ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris'})
    expect((await sandbox.scheduler.send(new ListSchedulesCommand({NamePrefix: 'hactl-demo'}))).Schedules).toEqual([expect.objectContaining({Name: 'hactl-demo-staging-tests', Target: {Arn: 'arn:aws:scheduler:::aws-sdk:ssm:sendCommand'}})])
    for (const bad of ['rate(1 hours)', 'rate(0 minutes)', 'cron(0 3 * * *)', 'cron(0 3 * * 1 *)', 'every hour']) {
      await expect(sandbox.scheduler.send(new UpdateScheduleCommand({...input(), ScheduleExpression: bad}))).rejects.toMatchObject({name: 'ValidationException'})
    }
    await expect(sandbox.scheduler.send(new UpdateScheduleCommand({...input(), ScheduleExpressionTimezone: 'Mars/Olympus'}))).rejects.toMatchObject({name: 'ValidationException'})
    await sandbox.scheduler.send(new DeleteScheduleCommand({Name: 'hactl-demo-staging-tests'}))
    await expect(sandbox.scheduler.send(new GetScheduleCommand({Name: 'hactl-demo-staging-tests'}))).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}})
    await expect(sandbox.scheduler.send(new DeleteScheduleCommand({Name: 'hactl-demo-staging-tests'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })

  it('finds the cron minute it fires at, in the schedule\'s time zone', () => {
    const cron = parseScheduleExpression('cron(0 3 * * ? *)', (m) => new Error(m))
    if (cron.kind !== 'cron') throw new Error('not cron')
    const day = Date.parse('2030-01-15T00:00:00Z')
    expect(lastCronMinute(cron, 'UTC', day, day + 86_400_000)).toBe(Date.parse('2030-01-15T03:00:00Z'))
    // 03:00 in Paris in winter is 02:00 UTC.
    expect(lastCronMinute(cron, 'Europe/Paris', day, day + 86_400_000)).toBe(Date.parse('2030-01-15T02:00:00Z'))
    expect(lastCronMinute(cron, 'UTC', day + 4 * 3_600_000, day + 5 * 3_600_000)).toBeUndefined()
    const weekdays = parseScheduleExpression('cron(30 */6 ? * MON-FRI *)', (m) => new Error(m))
    if (weekdays.kind !== 'cron') throw new Error('not cron')
    // 2030-01-19 is a Saturday: no firing that day.
    const saturday = Date.parse('2030-01-19T00:00:00Z')
    expect(lastCronMinute(weekdays, 'UTC', saturday, saturday + 86_399_000)).toBeUndefined()
    expect(lastCronMinute(weekdays, 'UTC', day, day + 86_400_000)).toBe(Date.parse('2030-01-15T18:30:00Z'))
    expect(parseScheduleExpression('rate(15 minutes)', (m) => new Error(m))).toEqual({kind: 'rate', periodMs: 900_000})
  })
})
