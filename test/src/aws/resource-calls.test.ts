import {DBInstanceNotFoundFault, InvalidDBInstanceStateFault, RDSClient} from '@aws-sdk/client-rds'

import {ManualClock} from '../../../src/core/clock'
import {statesIn, tagList, unlessNotFound, waitUntilGone, waiterPacing} from '../../../src/aws/resource-calls'
import {AwsError} from '../../../src/core/errors'
import {RecordingReporter} from '../../../src/core/progress'

const notFound = () => new DBInstanceNotFoundFault({$metadata: {}, message: 'DBInstance db-1 not found.'})
const wrongState = () => new InvalidDBInstanceStateFault({$metadata: {}, message: 'Database instance is not in available state.'})

describe('unlessNotFound', () => {
  it('passes the answer on', async () => {
    await expect(unlessNotFound('rds:DescribeDBInstances', 'DBInstanceNotFoundFault', async () => 'found')).resolves.toBe('found')
  })

  it('makes the given "not found" undefined', async () => {
    await expect(unlessNotFound('rds:DescribeDBInstances', 'DBInstanceNotFoundFault', () => Promise.reject(notFound()))).resolves.toBeUndefined()
  })

  it('translates any other error, naming the operation', async () => {
    const call = unlessNotFound('rds:DeleteDBInstance', 'DBInstanceNotFoundFault', () => Promise.reject(wrongState()))
    await expect(call).rejects.toBeInstanceOf(AwsError)
    await expect(call).rejects.toMatchObject({awsCode: 'InvalidDBInstanceStateFault', message: expect.stringContaining('rds:DeleteDBInstance')})
  })
})

describe('waitUntilGone', () => {
  const client = new RDSClient({region: 'eu-west-1'})
  const pacing = waiterPacing(client, {clock: new ManualClock(), reporter: new RecordingReporter()}, 30, {timeoutMs: 60_000})

  it('takes "not found" from the waiter as the end of the wait', async () => {
    const waiter = () => Promise.reject(notFound())
    await expect(waitUntilGone('DBInstanceNotFoundFault', {...pacing, input: {}, waiter, what: 'DB instance db-1 to be deleted'})).resolves.toBeUndefined()
  })

  it('passes any other failure on', async () => {
    const waiter = () => Promise.reject(wrongState())
    const waiting = waitUntilGone('DBInstanceNotFoundFault', {...pacing, input: {}, waiter, what: 'DB instance db-1 to be deleted'})
    await expect(waiting).rejects.toMatchObject({awsCode: 'InvalidDBInstanceStateFault'})
  })
})

describe('waiterPacing', () => {
  it('polls from the service\'s own delay up to half a minute, within the caller\'s deadline', () => {
    const signal = new AbortController().signal
    expect(waiterPacing('client', {clock: new ManualClock(), reporter: new RecordingReporter()}, 15, {signal, timeoutMs: 5000})).toMatchObject({
      client: 'client',
      maxDelaySeconds: 30,
      minDelaySeconds: 15,
      signal,
      timeoutMs: 5000,
    })
  })
})

describe('statesIn / tagList', () => {
  it('describes one poll as "id state" pairs, ? for a missing state', () => {
    const describe = statesIn<{Id?: string; Status?: string}>('Things', (thing) => [thing.Id, thing.Status])
    expect(describe({Things: [{Id: 'a', Status: 'creating'}, {Id: 'b'}]})).toBe('a creating, b ?')
    expect(describe({})).toBe('')
  })

  it('lists tags as Key/Value pairs', () => {
    expect(tagList({'hactl:site': 'demo'})).toEqual([{Key: 'hactl:site', Value: 'demo'}])
  })
})
