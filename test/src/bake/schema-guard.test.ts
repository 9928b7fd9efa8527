/**
 * The schema guard's pure parts (comparison, judgement, the snapshot before a
 * time) and checkSchema with hand-made API fakes: the live schema from the
 * seed when it is Online, else from the bakes; the way back names the
 * newest snapshot taken before the first bake at the newer schema.
 */
import type {Image} from '@aws-sdk/client-ec2'

import type {Ec2Api} from '../../../src/aws/ec2'
import type {RdsApi} from '../../../src/aws/rds'
import type {SsmApi} from '../../../src/aws/ssm'
import {BAKE_TAGS} from '../../../src/bake/record'
import {checkSchema, compareSchema, highestBakedSchema, judgeSchema, snapshotBefore, type SchemaGuardOptions} from '../../../src/bake/schema-guard'
import {RecordingReporter} from '../../../src/core/progress'
import {testConfig} from '../../_helpers/config'

const bake = (id: string, created: string, code?: string, db?: string): Image => ({
  CreationDate: created,
  ImageId: id,
  State: 'available',
  Tags: [
    {Key: BAKE_TAGS.site, Value: 'demo'},
    {Key: BAKE_TAGS.role, Value: 'bake'},
    ...(code ? [{Key: BAKE_TAGS.codeSchema, Value: code}] : []),
    ...(db ? [{Key: BAKE_TAGS.dbSchema, Value: db}] : []),
  ],
})

describe('compareSchema', () => {
  it('compares WordPress integers and Moodle decimals as numbers', () => {
    expect(compareSchema('57155', '58975')).toBeLessThan(0)
    expect(compareSchema('9999', '10000')).toBeLessThan(0)
    expect(compareSchema('58975', '58975')).toBe(0)
    expect(compareSchema('2024100700.00', '2024100700.01')).toBeLessThan(0)
    expect(compareSchema('2024100700.1', '2024100700.09')).toBeGreaterThan(0)
    expect(compareSchema('2025041400.00', '2024100700')).toBeGreaterThan(0)
    expect(compareSchema('2024100700', '2024100700.00')).toBe(0)
  })
})

describe('judgeSchema and the bakes', () => {
  const live = {from: 'i-1', source: 'seed' as const, value: '58975'}

  it('older, ok, or unknown (no tag, no live schema)', () => {
    expect(judgeSchema('ami-a', bake('ami-a', '', '57155'), live)).toMatchObject({code: '57155', state: 'older'})
    expect(judgeSchema('ami-b', bake('ami-b', '', '58975'), live)).toMatchObject({state: 'ok'})
    expect(judgeSchema('ami-c', bake('ami-c', ''), live)).toMatchObject({state: 'unknown', why: expect.stringContaining('no hactl:code-schema tag')})
    expect(judgeSchema('ami-a', bake('ami-a', '', '57155'), undefined)).toMatchObject({state: 'unknown', why: expect.stringContaining("live database's schema is unknown")})
  })

  it('takes the highest hactl:db-schema of the bakes, numerically', () => {
    const bakes = [bake('ami-1', '2026-01-01T00:00:00Z', '9999', '9999'), bake('ami-2', '2026-02-01T00:00:00Z', '10000', '10000'), bake('ami-3', '2026-03-01T00:00:00Z')]
    expect(highestBakedSchema(bakes)).toEqual({from: 'ami-2', source: 'bakes', value: '10000'})
    expect(highestBakedSchema([bake('ami-3', '')])).toBeUndefined()
  })

  it('picks the newest available snapshot taken before the time', () => {
    const snapshots = [
      {createdAt: new Date('2026-01-10T00:00:00Z'), id: 'old', status: 'available'},
      {createdAt: new Date('2026-01-20T00:00:00Z'), id: 'newest-before', status: 'available'},
      {createdAt: new Date('2026-01-25T00:00:00Z'), id: 'creating', status: 'creating'},
      {createdAt: new Date('2026-02-10T00:00:00Z'), id: 'after', status: 'available'},
    ]
    expect(snapshotBefore(snapshots, Date.parse('2026-02-01T00:00:00Z'))?.id).toBe('newest-before')
    expect(snapshotBefore(snapshots, Date.parse('2026-01-01T00:00:00Z'))).toBeUndefined()
  })
})

describe('checkSchema', () => {
  const bakes = [bake('ami-b', '2026-02-01T00:00:00Z', '58975', '58975'), bake('ami-a', '2026-01-01T00:00:00Z', '57155', '57155')]
  const snapshots = [
    {createdAt: new Date('2026-01-15T00:00:00Z'), id: 'rds:hactl-demo-db-2026-01-15-03-00', status: 'available'},
    {createdAt: new Date('2026-02-15T00:00:00Z'), id: 'rds:hactl-demo-db-2026-02-15-03-00', status: 'available'},
  ]

  function options(seed: {online: boolean; dbSchema?: string} | undefined): {options: SchemaGuardOptions; reporter: RecordingReporter; sent: string[]; listed: unknown[]} {
    const reporter = new RecordingReporter()
    const sent: string[] = []
    const listed: unknown[] = []
    const ec2 = {
      describeImages: async () => bakes,
      describeInstances: async () => (seed ? [{InstanceId: 'i-seed', State: {Name: 'running'}}] : []),
    } as unknown as Ec2Api
    const ssm = {
      describeInstanceInformation: async () => [{instanceId: 'i-seed', pingStatus: seed?.online ? 'Online' : 'ConnectionLost'}],
      getCommandInvocation: async () => ({responseCode: 0, status: 'Success', stderr: '', stdout: `{"codeSchema":"60421","dbSchema":"${seed?.dbSchema}","appVersion":"6.9"}\n`}),
      async sendCommand(input: {commands: string[]}) {
        sent.push(input.commands.join('\n'))
        return 'cmd-1'
      },
    } as unknown as SsmApi
    const rds = {
      async listSnapshots(input: unknown) {
        listed.push(input)
        return snapshots
      },
    } as unknown as RdsApi
    return {listed, options: {clock: {now: () => Date.parse('2026-03-01T00:00:00Z'), sleep: async () => {}} as never, config: testConfig(), ec2, rds, reporter, ssm}, reporter, sent}
  }

  it('asks the Online seed, refuses older code and names the snapshot before the first bake at the newer schema', async () => {
    const {listed, options: guard, sent} = options({dbSchema: '58975', online: true})
    const check = await checkSchema(guard, 'ami-a', bakes[1])
    expect(sent).toEqual(['/usr/local/libexec/hactl/staging-run --versions'])
    expect(check.judgement).toMatchObject({code: '57155', live: {from: 'i-seed', source: 'seed', value: '58975'}, state: 'older'})
    expect(check.wayBack).toContain('restore snapshot rds:hactl-demo-db-2026-01-15-03-00 of hactl-demo-db')
    expect(check.wayBack).toContain('before ami-b recorded schema 58975')
    // The snapshot is newer than ami-a, the last bake at the old schema: the upgrade may predate it, and the message says so.
    expect(check.wayBack).toContain('Check that it predates the upgrade (the schema was still 57155 when ami-a was baked, 2026-01-01T00:00:00Z)')
    expect(listed).toEqual([{automated: true, cluster: false, prefix: '', sourceId: 'hactl-demo-db'}])
  })

  it('without an Online seed uses the highest schema the bakes recorded; an image as new passes', async () => {
    const {options: guard, sent} = options({online: false})
    const check = await checkSchema(guard, 'ami-b', bakes[0])
    expect(sent).toEqual([])
    expect(check).toEqual({judgement: {code: '58975', live: {from: 'ami-b', source: 'bakes', value: '58975'}, state: 'ok'}})
  })

  it('an image without the tag is unknown: allowed with a warning, nothing asked', async () => {
    const {options: guard, reporter, sent} = options({dbSchema: '58975', online: true})
    const check = await checkSchema(guard, 'ami-old', bake('ami-old', '2025-01-01T00:00:00Z'))
    expect(check.judgement.state).toBe('unknown')
    expect(sent).toEqual([])
    expect(reporter.events).toContainEqual(expect.objectContaining({message: expect.stringContaining('Cannot tell whether ami-old'), type: 'warning'}))
  })
})
