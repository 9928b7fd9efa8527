import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs'

import {clientOn, manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

function sandbox() {
  const base = manualSandbox()
  return {...base, logs: clientOn(base.handle, CloudWatchLogsClient, 'logs', {attempts: 2})}
}

const G = '/hactl/demo/audit'

describe('sandbox CloudWatch Logs', () => {
  it('creates a group once, a stream once, and refuses what does not exist with AWS\'s exceptions', async () => {
    const {logs} = sandbox()
    await logs.send(new CreateLogGroupCommand({logGroupName: G, tags: {'hactl:site': 'demo'}}))
    await expect(logs.send(new CreateLogGroupCommand({logGroupName: G}))).rejects.toBeInstanceOf(ResourceAlreadyExistsException)
    await expect(logs.send(new CreateLogGroupCommand({logGroupName: 'bad name!'}))).rejects.toBeInstanceOf(InvalidParameterException)
    await logs.send(new CreateLogStreamCommand({logGroupName: G, logStreamName: 's1'}))
    await expect(logs.send(new CreateLogStreamCommand({logGroupName: G, logStreamName: 's1'}))).rejects.toBeInstanceOf(ResourceAlreadyExistsException)
    await expect(logs.send(new PutLogEventsCommand({logGroupName: G, logStreamName: 'nope', logEvents: [{message: 'x', timestamp: 1}]}))).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(logs.send(new FilterLogEventsCommand({logGroupName: '/hactl/other'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(logs.send(new PutRetentionPolicyCommand({logGroupName: G, retentionInDays: 2}))).rejects.toBeInstanceOf(InvalidParameterException)
  })

  it('interleaves streams by time, pages with limit/nextToken, drops too-old events and expires by retention', async () => {
    const {clock, logs} = sandbox()
    const now = clock.now()
    await logs.send(new CreateLogGroupCommand({logGroupName: G}))
    await logs.send(new PutRetentionPolicyCommand({logGroupName: G, retentionInDays: 1}))
    await logs.send(new CreateLogStreamCommand({logGroupName: G, logStreamName: 'a'}))
    await logs.send(new CreateLogStreamCommand({logGroupName: G, logStreamName: 'b'}))
    await logs.send(new PutLogEventsCommand({logGroupName: G, logStreamName: 'a', logEvents: [{message: 'a1', timestamp: now}, {message: 'a2', timestamp: now + 20}]}))
    const out = await logs.send(
      new PutLogEventsCommand({logGroupName: G, logStreamName: 'b', logEvents: [{message: 'old', timestamp: now - 15 * 86_400_000}, {message: 'b1', timestamp: now + 10}]}),
    )
    expect(out.rejectedLogEventsInfo).toEqual({tooOldLogEventEndIndex: 1})
    await expect(
      logs.send(new PutLogEventsCommand({logGroupName: G, logStreamName: 'a', logEvents: [{message: 'x', timestamp: now + 5}, {message: 'y', timestamp: now}]})),
    ).rejects.toThrow('chronological order')

    const messages: string[] = []
    for await (const page of paginateFilterLogEvents({client: logs, pageSize: 2}, {logGroupName: G, startTime: now})) {
      messages.push(...(page.events ?? []).map((e) => `${e.logStreamName}:${e.message}`))
    }
    expect(messages).toEqual(['a:a1', 'b:b1', 'a:a2'])

    clock.advance(2 * 86_400_000)
    expect((await logs.send(new FilterLogEventsCommand({logGroupName: G}))).events).toEqual([])
  })
})
