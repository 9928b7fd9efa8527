import {
  HostedZoneAlreadyExists,
  InvalidChangeBatch,
  InvalidDomainName,
  InvalidInput,
  NoSuchChange,
  NoSuchHostedZone,
  Route53ServiceException,
  type ChangeResourceRecordSetsCommandInput,
  type ChangeResourceRecordSetsCommandOutput,
  type CreateHostedZoneCommandInput,
  type CreateHostedZoneCommandOutput,
  type GetChangeCommandInput,
  type GetChangeCommandOutput,
  type HostedZone,
  type ListHostedZonesByNameCommandInput,
  type ListHostedZonesByNameCommandOutput,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
} from '@aws-sdk/client-route-53'

import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {defineService, type OperationContext, type RegionState, type Result, THROTTLING} from '../types'


/*
 * The simulated Route 53: hosted zones, their record sets and change status.
 * Route 53 is global; like IAM the sandbox keeps it with the region, which
 * hactl (one region per site) cannot tell apart. Behaviour: route53.md.
 */

export interface RecordSetRecord {
  readonly name: string
  readonly type: string
  readonly ttl: number | undefined
  readonly values: string[]
  /** Simulated time it was last written: ACM's validation starts from it. */
  readonly writtenAt: number
}

export interface ZoneRecord {
  readonly id: string
  /** Lower case, with the trailing dot. */
  readonly name: string
  readonly callerReference: string
  readonly privateZone: boolean
  records: RecordSetRecord[]
}

export interface ChangeRecord {
  readonly id: string
  readonly submittedAt: number
}

export interface Route53State {
  zones: ZoneRecord[]
  changes: ChangeRecord[]
}

/** A change is PENDING this long, then INSYNC (Route 53: "generally within 60 seconds"). */
export const CHANGE_PROPAGATION_MS = 30_000

function slice(region: RegionState): Route53State {
  region.route53 ??= {changes: [], zones: []}
  return region.route53
}

export function dotted(name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') ? lower : `${lower}.`
}

/** The public zone of the region's Route 53 that holds `name` (the longest suffix), if any. */
export function zoneFor(region: RegionState, name: string): ZoneRecord | undefined {
  const target = dotted(name)
  return (region.route53?.zones ?? [])
    .filter((zone) => !zone.privateZone && (target === zone.name || target.endsWith(`.${zone.name}`)))
    .sort((a, b) => b.name.length - a.name.length)[0]
}

/** When a record with this name, type and value was written in a public zone; undefined if none holds it. */
export function findRecord(region: RegionState, name: string, type: string, value: string): number | undefined {
  const zone = zoneFor(region, name)
  const record = zone?.records.find((r) => r.name === dotted(name) && r.type === type && r.values.some((v) => dotted(v) === dotted(value)))
  return record?.writtenAt
}

/** Route 53 sorts zone names by their labels reversed: com.example.www. */
function sortKey(name: string): string {
  return name.replace(/\.$/, '').split('.').reverse().join('.')
}

function zoneView(zone: ZoneRecord): HostedZone {
  return {
    CallerReference: zone.callerReference,
    Config: {PrivateZone: zone.privateZone},
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    ResourceRecordSetCount: zone.records.length,
  }
}

function findZone(state: Route53State, id: string | undefined): ZoneRecord {
  const bare = (id ?? '').replace(/^\/hostedzone\//, '')
  const zone = state.zones.find((candidate) => candidate.id === bare)
  if (!zone) throw new SimError('NoSuchHostedZone', `No hosted zone found with ID: ${bare}`, 404)
  return zone
}

function changeInfo(change: ChangeRecord, now: number, comment?: string) {
  return {
    Comment: comment,
    Id: `/change/${change.id}`,
    Status: now >= change.submittedAt + CHANGE_PROPAGATION_MS ? ('INSYNC' as const) : ('PENDING' as const),
    SubmittedAt: new Date(change.submittedAt),
  }
}

function createHostedZone(state: Route53State, input: CreateHostedZoneCommandInput, context: OperationContext): Result<CreateHostedZoneCommandOutput> {
  if (input.VPC !== undefined) throw new SandboxUnsupportedError('route53', 'CreateHostedZone of a private zone')
  const name = dotted(input.Name ?? '')
  if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+$/.test(name)) throw new SimError('InvalidDomainName', `${input.Name ?? ''} is not a valid domain name.`)
  if (!input.CallerReference) throw new SimError('InvalidInput', 'Invalid request: Missing field CallerReference.')
  const again = state.zones.find((zone) => zone.callerReference === input.CallerReference)
  if (again) throw new SimError('HostedZoneAlreadyExists', `A hosted zone has already been created with the specified caller reference.`, 409)
  const zone: ZoneRecord = {callerReference: input.CallerReference, id: context.nextId('Z', 20).replace('Z-', 'Z').toUpperCase(), name, privateZone: false, records: []}
  // Every public zone starts with its SOA and NS records.
  zone.records.push(
    {name, ttl: 900, type: 'SOA', values: [`ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`], writtenAt: context.now},
    {name, ttl: 172_800, type: 'NS', values: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk.', 'ns-3.awsdns-03.com.', 'ns-4.awsdns-04.net.'], writtenAt: context.now},
  )
  state.zones.push(zone)
  const change = {id: context.nextId('C', 20).replace('C-', 'C').toUpperCase(), submittedAt: context.now}
  state.changes.push(change)
  return {
    ChangeInfo: changeInfo(change, context.now),
    DelegationSet: {NameServers: zone.records[1].values},
    HostedZone: zoneView(zone),
    Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}`,
  }
}

function changeResourceRecordSets(state: Route53State, input: ChangeResourceRecordSetsCommandInput, context: OperationContext): Result<ChangeResourceRecordSetsCommandOutput> {
  const zone = findZone(state, input.HostedZoneId)
  const changes = input.ChangeBatch?.Changes ?? []
  if (changes.length === 0) throw new SimError('InvalidInput', 'Invalid request: Expected at least one change.')
  // The whole batch is checked first and applied only if every change is valid (Route 53 is atomic).
  const next = [...zone.records]
  const problems: string[] = []
  for (const change of changes) {
    const set = change.ResourceRecordSet
    if (set?.AliasTarget !== undefined) throw new SandboxUnsupportedError('route53', 'alias record sets')
    const name = dotted(set?.Name ?? '')
    const type = set?.Type ?? ''
    if (name !== zone.name && !name.endsWith(`.${zone.name}`)) {
      problems.push(`RRSet with DNS name ${name} is not permitted in zone ${zone.name}`)
      continue
    }

    const index = next.findIndex((r) => r.name === name && r.type === type)
    const values = (set?.ResourceRecords ?? []).map((r) => r.Value ?? '')
    const record: RecordSetRecord = {name, ttl: set?.TTL, type, values, writtenAt: context.now}
    if (change.Action === 'CREATE') {
      if (index >= 0) problems.push(`Tried to create resource record set [name='${name}', type='${type}'] but it already exists`)
      else next.push(record)
    } else if (change.Action === 'UPSERT') {
      if (index >= 0) next[index] = record
      else next.push(record)
    } else if (index < 0) {
      problems.push(`Tried to delete resource record set [name='${name}', type='${type}'] but it was not found`)
    } else {
      next.splice(index, 1)
    }
  }

  if (problems.length > 0) throw Object.assign(new SimError('InvalidChangeBatch', `[${problems.join(', ')}]`), {messages: problems})
  zone.records = next
  const change = {id: context.nextId('C', 20).replace('C-', 'C').toUpperCase(), submittedAt: context.now}
  state.changes.push(change)
  return {ChangeInfo: changeInfo(change, context.now, input.ChangeBatch?.Comment)}
}

function listHostedZonesByName(state: Route53State, input: ListHostedZonesByNameCommandInput): Result<ListHostedZonesByNameCommandOutput> {
  const max = input.MaxItems ?? 100
  const sorted = [...state.zones].sort((a, b) => (sortKey(a.name) < sortKey(b.name) ? -1 : sortKey(a.name) > sortKey(b.name) ? 1 : 0))
  const start = input.DNSName === undefined ? 0 : sorted.findIndex((zone) => sortKey(zone.name) >= sortKey(dotted(input.DNSName ?? '')))
  const from = start < 0 ? sorted.length : start
  const page = sorted.slice(from, from + max)
  const after = sorted[from + max]
  return {
    DNSName: input.DNSName,
    HostedZones: page.map(zoneView),
    IsTruncated: after !== undefined,
    MaxItems: max,
    NextDNSName: after?.name,
    NextHostedZoneId: after === undefined ? undefined : `/hostedzone/${after.id}`,
  }
}

function listResourceRecordSets(state: Route53State, input: ListResourceRecordSetsCommandInput): Result<ListResourceRecordSetsCommandOutput> {
  const zone = findZone(state, input.HostedZoneId)
  const max = input.MaxItems ?? 300
  const sorted = [...zone.records].sort((a, b) => sortKey(a.name).localeCompare(sortKey(b.name)) || a.type.localeCompare(b.type))
  const startName = input.StartRecordName === undefined ? undefined : sortKey(dotted(input.StartRecordName))
  const from = startName === undefined ? 0 : sorted.findIndex((r) => sortKey(r.name) > startName || (sortKey(r.name) === startName && (input.StartRecordType === undefined || r.type >= input.StartRecordType)))
  const begin = from < 0 ? sorted.length : from
  const page = sorted.slice(begin, begin + max)
  const after = sorted[begin + max]
  return {
    IsTruncated: after !== undefined,
    MaxItems: max,
    NextRecordName: after?.name,
    NextRecordType: after?.type as ListResourceRecordSetsCommandOutput['NextRecordType'],
    ResourceRecordSets: page.map((r) => ({Name: r.name, ResourceRecords: r.values.map((Value) => ({Value})), TTL: r.ttl, Type: r.type as 'CNAME'})),
  }
}

export const route53 = defineService<Route53State>({
  name: 'route53',
  throttleError: THROTTLING.query,
  internalError: {code: 'InternalFailure', message: 'An internal error occurred.', status: 500},
  slice,
  operations: {
    ChangeResourceRecordSets: changeResourceRecordSets,
    CreateHostedZone: createHostedZone,
    GetChange(state: Route53State, input: GetChangeCommandInput, context: OperationContext): Result<GetChangeCommandOutput> {
      const bare = (input.Id ?? '').replace(/^\/change\//, '')
      const change = state.changes.find((candidate) => candidate.id === bare)
      if (!change) throw new SimError('NoSuchChange', `A change with the specified change ID does not exist: ${bare}`, 404)
      return {ChangeInfo: changeInfo(change, context.now)}
    },
    ListHostedZonesByName: listHostedZonesByName,
    ListResourceRecordSets: listResourceRecordSets,
  },
  toException: modeledExceptions(
    {HostedZoneAlreadyExists, InvalidChangeBatch, InvalidDomainName, InvalidInput, NoSuchChange, NoSuchHostedZone},
    Route53ServiceException,
    'rest-xml',
    {fields: (error) => ('messages' in error ? {messages: (error as unknown as {messages: string[]}).messages} : {})},
  ),
})
