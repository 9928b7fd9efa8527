/**
 * The narrow calls env create's preflight and doctor make to learn what a
 * Region has and what the site's VPC allows, through the client factory on
 * the sandbox.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {isKnownRegion} from '../../../src/aws/regions'
import {openSandbox} from '../../../src/sandbox'

describe('Region facts through the client factory, on the sandbox', () => {
  let stateDir: string

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'hactl-offerings-'))
  })

  afterEach(() => rmSync(stateDir, {force: true, recursive: true}))

  const clients = () => new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: 2000, stateDir}), version: 'test'})

  it('tells the AZs an instance type is offered in, and nothing for a made-up type', async () => {
    const ec2 = await clients().ec2()
    const zones = await ec2.instanceTypeZones(['t3.small', 't9.gigantic'], ['eu-west-1a', 'eu-west-1b'])
    expect([...zones.keys()]).toEqual(['t3.small'])
    expect([...(zones.get('t3.small') ?? [])].sort()).toEqual(['eu-west-1a', 'eu-west-1b'])
  })

  it('reads the default VPC\'s DNS attributes, its route to the internet and its (no) endpoints', async () => {
    const ec2 = await clients().ec2()
    const vpcId = (await ec2.describeDefaultVpc())?.VpcId ?? ''
    expect(await ec2.describeVpcDns(vpcId)).toEqual({hostnames: true, support: true})
    const [table] = await ec2.describeRouteTables(vpcId)
    expect(table.Routes).toContainEqual(expect.objectContaining({DestinationCidrBlock: '0.0.0.0/0', GatewayId: expect.stringMatching(/^igw-/)}))
    expect(await ec2.describeVpcEndpoints(vpcId)).toEqual([])
  })

  it('tells whether RDS sells a class for an exact engine version, and ElastiCache a node type', async () => {
    const aws = clients()
    const [rds, cache] = await Promise.all([aws.rds(), aws.elasticache()])
    const {version} = await rds.engineVersion('mysql', '8.0')
    expect(await rds.orderableZones({engine: 'mysql', instanceClass: 'db.t4g.small', version})).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c'])
    expect(await rds.orderableZones({engine: 'mysql', instanceClass: 'db.bogus.huge', version})).toEqual([])
    expect(await cache.nodeTypeExists('cache.t4g.small')).toBe(true)
    expect(await cache.nodeTypeExists('cache.nope.x')).toBe(false)
  })

  it('knows the Regions the SDK lists, and not a made-up one', () => {
    expect(isKnownRegion('eu-west-1')).toBe(true)
    expect(isKnownRegion('us-gov-west-1')).toBe(true)
    expect(isKnownRegion('xx-fake-9')).toBe(false)
    expect(isKnownRegion('eu-fake-9')).toBe(false)
  })
})
