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

import {EB_LOG_FILES, SEED_LOG_NAMES} from '../../../src/sandbox/services/logs-instances'
import {WEB_LOG_SOURCES, seedLogGroups} from '../../../src/site/log-groups'
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

  it('applies filter patterns as CloudWatch does: terms, "phrases", ?or, -not, %regex%, and refuses what it would refuse', async () => {
    const {clock, logs} = sandbox()
    const now = clock.now()
    await logs.send(new CreateLogGroupCommand({logGroupName: G}))
    for (const stream of ['i-1', 'i-2', 'x-3']) await logs.send(new CreateLogStreamCommand({logGroupName: G, logStreamName: stream}))
    const lines = ['PHP Fatal error: out of memory', 'GET /index.php 200', 'PHP Warning: Undefined array key', 'ERROR timeout after 30 s']
    await logs.send(new PutLogEventsCommand({logGroupName: G, logStreamName: 'i-1', logEvents: lines.slice(0, 2).map((message, i) => ({message, timestamp: now + i}))}))
    await logs.send(new PutLogEventsCommand({logGroupName: G, logStreamName: 'i-2', logEvents: lines.slice(2).map((message, i) => ({message, timestamp: now + 10 + i}))}))
    await logs.send(new PutLogEventsCommand({logGroupName: G, logStreamName: 'x-3', logEvents: [{message: 'PHP elsewhere', timestamp: now + 20}]}))
    const filter = async (filterPattern: string, extra: object = {}) =>
      ((await logs.send(new FilterLogEventsCommand({logGroupName: G, filterPattern, ...extra}))).events ?? []).map((e) => e.message)

    expect(await filter('PHP')).toEqual([lines[0], lines[2], 'PHP elsewhere'])
    expect(await filter('PHP error')).toEqual([lines[0]])
    expect(await filter('"Fatal error"')).toEqual([lines[0]])
    expect(await filter('?Fatal ?timeout')).toEqual([lines[0], lines[3]])
    expect(await filter('PHP -Warning')).toEqual([lines[0], 'PHP elsewhere'])
    expect(await filter('%[Ee]rror|Warning%')).toEqual([lines[0], lines[2]])
    expect(await filter('Fata')).toEqual([])
    expect(await filter('index')).toEqual([lines[1]])
    expect(await filter('PHP', {logStreamNamePrefix: 'i-'})).toEqual([lines[0], lines[2]])
    await expect(filter('%(a|b)%')).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(filter('%a% %b% %c%')).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(filter('PHP', {logStreamNamePrefix: 'i-', logStreamNames: ['i-1']})).rejects.toBeInstanceOf(InvalidParameterException)
  })

  it("names the instances' log groups as src/site/log-groups.ts does", () => {
    expect([...EB_LOG_FILES]).toEqual(WEB_LOG_SOURCES.map((source) => source.file))
    expect([...SEED_LOG_NAMES]).toEqual(seedLogGroups('demo').map(({group}) => group.replace('/hactl/demo/seed/', '')))
  })
})
