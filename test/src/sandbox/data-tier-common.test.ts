import {SandboxUnsupportedError, SimError} from '../../../src/sandbox/errors'
import {
  allSubnetGroups,
  endpointToken,
  newSubnetGroup,
  pageByMarker,
  taggedResource,
  withoutDeleted,
  type ArnRules,
  type SubnetGroupRecord,
  type SubnetGroupRules,
} from '../../../src/sandbox/services/data-tier-common'
import type {OperationContext, RegionState} from '../../../src/sandbox/types'

/** A bare context: ids counted, no faults; enough for the EC2 network the helpers read. */
function contextAt(now = 0, region = 'eu-west-1'): OperationContext {
  let counter = 0
  return {
    account: '123456789012',
    nextId: (prefix) => `${prefix}-${String((counter += 1)).padStart(17, '0')}`,
    now,
    region,
    takeFault: () => false,
  }
}

describe('withoutDeleted', () => {
  it('keeps records until their deletion has lasted the given time', () => {
    const records = [{deletedAt: undefined}, {deletedAt: 1000}, {deletedAt: 5000}]
    expect(withoutDeleted(records, 5999, 1000)).toEqual([{deletedAt: undefined}, {deletedAt: 5000}])
  })
})

describe('endpointToken', () => {
  it('is stable per service, account and region, and differs between them', () => {
    const token = endpointToken('rds', 12, contextAt())
    expect(token).toMatch(/^[a-z0-9]{12}$/)
    expect(endpointToken('rds', 12, contextAt(99))).toBe(token)
    expect(endpointToken('rds', 12, contextAt(0, 'us-east-1'))).not.toBe(token)
    expect(endpointToken('elasticache', 12, contextAt())).not.toBe(token)
  })
})

describe('pageByMarker', () => {
  it('pages by MaxRecords with the service\'s wording for a bad value', () => {
    const items = Array.from({length: 25}, (_unused, index) => index)
    const first = pageByMarker(items, {MaxRecords: 20}, () => 'unused')
    expect(first.items).toHaveLength(20)
    expect(pageByMarker(items, {Marker: first.nextToken}, () => 'unused').items).toEqual([20, 21, 22, 23, 24])
    expect(() => pageByMarker(items, {MaxRecords: 5}, (value) => `bad ${value}`)).toThrow(new SimError('InvalidParameterValue', 'bad 5'))
  })
})

describe('newSubnetGroup', () => {
  const rules: SubnetGroupRules = {
    stem: 'TestSubnetGroup',
    namePattern: /^[a-z-]+$/,
    badName: (value) => `bad name ${value}`,
    exists: (name) => new SimError('Exists', name),
    noSubnets: () => new SimError('NoSubnets', 'none'),
    unknownSubnets: (ids) => new SimError('Unknown', ids.join(',')),
  }

  function world() {
    return {region: {} as RegionState}
  }

  it('folds the name and keeps the subnets with their AZs in the one VPC', () => {
    const context = contextAt()
    const here = world()
    const ids = allSubnetGroups(here, [], context)[0].subnets.map((subnet) => subnet.id)
    const group = newSubnetGroup(here, [], {description: 'd', name: 'My-Group', subnetIds: ids.slice(0, 2)}, rules, context)
    expect(group).toMatchObject({description: 'd', name: 'my-group', subnets: [{az: 'eu-west-1a'}, {az: 'eu-west-1b'}]})
  })

  it('checks in AWS\'s order, with the service\'s errors', () => {
    const context = contextAt()
    const here = world()
    const taken: SubnetGroupRecord = {description: 'd', name: 'taken', subnets: [], tags: {}, vpcId: 'vpc-1'}
    const attempt = (name: string | undefined, description: string | undefined, subnetIds: string[] | undefined) => () =>
      newSubnetGroup(here, [taken], {description, name, subnetIds}, rules, context)
    expect(attempt('', 'd', [])).toThrow('The parameter TestSubnetGroupName must be provided and must not be blank.')
    expect(attempt('default', 'd', [])).toThrow('The parameter TestSubnetGroupName cannot be "default".')
    expect(attempt('no_underscores', 'd', [])).toThrow('bad name no_underscores')
    expect(attempt('ok', undefined, [])).toThrow('The parameter TestSubnetGroupDescription must be provided and must not be blank.')
    expect(attempt('Taken', 'd', [])).toThrow(new SimError('Exists', 'taken'))
    expect(attempt('ok', 'd', undefined)).toThrow(new SimError('NoSubnets', 'none'))
    expect(attempt('ok', 'd', ['subnet-a', 'subnet-b'])).toThrow(new SimError('Unknown', 'subnet-a,subnet-b'))
  })

  it('runs the service\'s own subnet check last', () => {
    const context = contextAt()
    const here = world()
    const id = allSubnetGroups(here, [], context)[0].subnets[0].id
    const oneAz = {...rules, checkSubnets: () => {
      throw new SimError('NotEnoughAZs', 'one AZ')
    }}
    expect(() => newSubnetGroup(here, [], {description: 'd', name: 'ok', subnetIds: [id]}, oneAz, context)).toThrow('one AZ')
  })
})

describe('taggedResource', () => {
  interface World {
    readonly things: Array<{name: string; tags: Record<string, string>}>
  }

  const rules: ArnRules<World, 'thing' | 'group'> = {
    pattern: /^arn:aws:test:([^:]+):(\d{12}):([a-z]+):(.+)$/,
    kinds: {
      thing: {find: (world, name) => world.things.find((thing) => thing.name === name), notFound: (name) => new SimError('ThingNotFound', name)},
      group: {builtIn: 'the default group', find: () => undefined, notFound: (name) => new SimError('GroupNotFound', name)},
    },
    badArn: (arn) => new SimError('InvalidARN', arn),
    unsupported: (what) => new SandboxUnsupportedError('test', what, 'spec.md'),
  }
  const world: World = {things: [{name: 'one', tags: {a: '1'}}]}
  const arn = (rest: string) => `arn:aws:test:eu-west-1:123456789012:${rest}`

  it('finds the resource by kind and folded name', () => {
    expect(taggedResource(world, arn('thing:ONE'), rules, contextAt()).tags).toEqual({a: '1'})
  })

  it('refuses other regions, unknown kinds, built-in defaults and missing resources, each its own way', () => {
    const context = contextAt()
    expect(() => taggedResource(world, 'arn:aws:test:us-east-1:123456789012:thing:one', rules, context)).toThrow('arn:aws:test:us-east-1:123456789012:thing:one')
    expect(() => taggedResource(world, undefined, rules, context)).toThrow(SimError)
    expect(() => taggedResource(world, arn('widget:one'), rules, context)).toThrow('tags on widget resources')
    expect(() => taggedResource(world, arn('group:Default'), rules, context)).toThrow('tags on the default group')
    expect(() => taggedResource(world, arn('thing:Two'), rules, context)).toThrow(new SimError('ThingNotFound', 'Two'))
  })
})
