/**
 * The factory's RDS interface against the sandbox: hactl's own code path
 * (narrow interface → SDK client → retry strategy → SDK waiter → sandbox).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {AwsError, TimeoutError} from '../../../src/errors'
import {openSandbox} from '../../../src/sandbox'
import {RecordingReporter} from '../../../src/ui/reporter'

describe('RDS through the client factory, on the sandbox', () => {
  let stateDir: string

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'hactl-rds-'))
  })

  afterEach(() => rmSync(stateDir, {force: true, recursive: true}))

  function clients(faults: string[] = []) {
    const reporter = new RecordingReporter()
    // 10 000x: RDS's 30 s waiter poll is 3 ms, a 13-minute instance launch 78 ms of real time.
    const sandbox = openSandbox({faults, region: 'eu-west-1', speed: 1e4, stateDir})
    return {aws: new AwsClients({reporter, sandbox, version: 'test'}), reporter}
  }

  async function twoSubnets(aws: AwsClients): Promise<string[]> {
    const ec2 = await aws.ec2()
    const vpc = await ec2.describeDefaultVpc()
    const subnets = await ec2.describeSubnets({vpcId: vpc?.VpcId})
    return subnets.slice(0, 2).map((subnet) => subnet.SubnetId ?? '')
  }

  const tags = {'hactl:role': 'db', 'hactl:site': 'demo'}

  it('creates a Multi-AZ MySQL instance, waits for it, and deletes it keeping a final snapshot', async () => {
    const {aws, reporter} = clients()
    const rds = await aws.rds()
    expect(await rds.describeSubnetGroup('hactl-demo')).toBeUndefined()
    const group = await rds.createSubnetGroup({description: 'hactl demo', name: 'hactl-demo', subnetIds: await twoSubnets(aws), tags})
    expect(group.Subnets).toHaveLength(2)
    expect((await rds.describeSubnetGroup('hactl-demo'))?.DBSubnetGroupName).toBe('hactl-demo')

    const created = await rds.createInstance({
      AllocatedStorage: 20,
      DBInstanceClass: 'db.t4g.small',
      DBInstanceIdentifier: 'hactl-demo-db',
      DBSubnetGroupName: 'hactl-demo',
      DeletionProtection: true,
      Engine: 'mysql',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
      MultiAZ: true,
      PubliclyAccessible: false,
      StorageEncrypted: true,
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
    })
    expect(created.DBInstanceStatus).toBe('creating')
    expect(reporter.ofType('wait')).toHaveLength(0)

    const available = await rds.waitForInstanceAvailable('hactl-demo-db', {timeoutMs: 60 * 60_000})
    expect(available).toMatchObject({DBInstanceStatus: 'available', MultiAZ: true, Endpoint: {Port: 3306}})
    expect(available.MasterUserSecret?.SecretArn).toMatch(/:secret:rds!db-/)
    expect(reporter.ofType('wait').at(-1)).toMatchObject({status: 'hactl-demo-db available', what: 'DB instance hactl-demo-db to be available'})

    await expect(rds.deleteInstance('hactl-demo-db', 'hactl-demo-db-final')).rejects.toMatchObject({awsCode: 'InvalidParameterCombination'})
    await rds.setInstanceDeletionProtection('hactl-demo-db', false)
    await expect(rds.deleteSubnetGroup('hactl-demo')).rejects.toMatchObject({awsCode: 'InvalidDBSubnetGroupStateFault'})
    await rds.deleteInstance('hactl-demo-db', 'hactl-demo-db-final')
    await rds.waitForInstanceDeleted('hactl-demo-db', {timeoutMs: 60 * 60_000})
    expect(await rds.describeInstance('hactl-demo-db')).toBeUndefined()

    await rds.deleteSubnetGroup('hactl-demo')
    expect(await rds.describeSubnetGroup('hactl-demo')).toBeUndefined()
    // Deleting what is gone is done: a re-run destroy gets through.
    await rds.deleteSubnetGroup('hactl-demo')
  })

  it('creates an Aurora cluster with two instances, waits for both, and deletes them in order', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    await rds.createSubnetGroup({description: 'hactl demo', name: 'hactl-demo', subnetIds: await twoSubnets(aws), tags})
    const cluster = await rds.createCluster({
      DBClusterIdentifier: 'hactl-demo-aurora',
      DBSubnetGroupName: 'hactl-demo',
      DeletionProtection: true,
      Engine: 'aurora-postgresql',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
      StorageEncrypted: true,
    })
    expect(cluster.Status).toBe('creating')
    for (const id of ['hactl-demo-aurora-1', 'hactl-demo-aurora-2']) {
      await rds.createInstance({DBClusterIdentifier: 'hactl-demo-aurora', DBInstanceClass: 'db.r6g.large', DBInstanceIdentifier: id, Engine: 'aurora-postgresql'})
    }

    const available = await rds.waitForClusterAvailable('hactl-demo-aurora', {timeoutMs: 60 * 60_000})
    expect(available).toMatchObject({Status: 'available', Port: 5432})
    expect(available.Endpoint).toMatch(/^hactl-demo-aurora\.cluster-/)
    const members = await rds.describeClusterInstances('hactl-demo-aurora')
    expect(members.map((instance) => instance.DBInstanceIdentifier)).toEqual(['hactl-demo-aurora-1', 'hactl-demo-aurora-2'])
    for (const member of members) {
      const ready = await rds.waitForInstanceAvailable(member.DBInstanceIdentifier ?? '', {timeoutMs: 60 * 60_000})
      expect(ready.DBInstanceStatus).toBe('available')
    }

    expect(await rds.describeCluster('nope')).toBeUndefined()
    for (const member of members) await rds.deleteInstance(member.DBInstanceIdentifier ?? '', undefined)
    await rds.setClusterDeletionProtection('hactl-demo-aurora', false)
    await rds.deleteCluster('hactl-demo-aurora', 'hactl-demo-aurora-final')
    await rds.waitForClusterDeleted('hactl-demo-aurora', {timeoutMs: 60 * 60_000})
    for (const member of members) await rds.waitForInstanceDeleted(member.DBInstanceIdentifier ?? '', {timeoutMs: 60 * 60_000})
    expect(await rds.describeCluster('hactl-demo-aurora')).toBeUndefined()
    expect(await rds.describeClusterInstances('hactl-demo-aurora')).toEqual([])
  })

  it('fails a wait for an instance that does not exist at once, as an AWS error', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    const wait = rds.waitForInstanceAvailable('nope', {timeoutMs: 60 * 60_000})
    await expect(wait).rejects.toBeInstanceOf(AwsError)
    await expect(wait).rejects.toMatchObject({awsCode: 'DBInstanceNotFoundFault'})
  })

  it('times out a wait that outlasts its deadline, saying what it last saw', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    await rds.createInstance({
      AllocatedStorage: 20,
      DBInstanceClass: 'db.t4g.small',
      DBInstanceIdentifier: 'slow',
      Engine: 'postgres',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
    })
    const wait = rds.waitForInstanceAvailable('slow', {timeoutMs: 2 * 60_000})
    await expect(wait).rejects.toBeInstanceOf(TimeoutError)
    await expect(wait).rejects.toMatchObject({message: expect.stringContaining('(last seen: slow creating)')})
  })

  it('retries throttling and passes AWS errors through with their code', async () => {
    const {aws, reporter} = clients(['throttle:rds:DescribeDBInstances*2'])
    const rds = await aws.rds()
    expect(await rds.describeInstance('nope')).toBeUndefined()
    expect(reporter.ofType('retry').map((event) => event.errorCode)).toEqual(['Throttling', 'Throttling'])
    await expect(
      rds.createInstance({DBInstanceClass: 'db.t4g.small', DBInstanceIdentifier: 'x', Engine: 'mysql', MasterUsername: 'hactl', AllocatedStorage: 20}),
    ).rejects.toMatchObject({awsCode: 'InvalidParameterValue', exitCode: expect.any(Number)})
  })
})
