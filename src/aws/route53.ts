/**
 * The Route 53 calls hactl makes: find the public hosted zone that holds the
 * site's domain, and write ACM's validation records into it.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53'

import {awsCall} from './errors'
import type {ApiContext} from './types'

export interface HostedZone {
  /** The id without its `/hostedzone/` prefix. */
  readonly id: string
  /** With its trailing dot, as Route 53 writes it: `example.org.`. */
  readonly name: string
}

export interface RecordToWrite {
  readonly name: string
  readonly type: 'CNAME'
  readonly value: string
}

export interface Route53Api {
  /**
   * The public hosted zone whose name is the longest suffix of `domain`
   * (`www.example.org` → `example.org.`), or undefined when the account has
   * none: a private zone does not answer ACM's resolvers.
   */
  findPublicZone(domain: string): Promise<HostedZone | undefined>
  /** The value of a record in the zone, or undefined. */
  recordValue(zoneId: string, name: string, type: string): Promise<string | undefined>
  /** UPSERTs the records in one change (so a re-run writes the same); returns the change id. */
  upsertRecords(zoneId: string, records: readonly RecordToWrite[], comment: string): Promise<string>
  /** PENDING or INSYNC. */
  changeStatus(changeId: string): Promise<string>
}

/** `www.example.org` and `www.example.org.` name the same thing; Route 53 answers with the dot. */
export function withDot(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`
}

function bareId(id: string): string {
  return id.replace(/^\/(hostedzone|change)\//, '')
}

export function createRoute53Api(client: Route53Client, _context: ApiContext): Route53Api {
  return {
    async changeStatus(changeId) {
      const out = await awsCall('route53:GetChange', () => client.send(new GetChangeCommand({Id: changeId})))
      return out.ChangeInfo?.Status ?? 'PENDING'
    },

    async findPublicZone(domain) {
      const target = withDot(domain)
      // Candidate zone names, longest first: www.example.org., example.org., org.
      const labels = target.slice(0, -1).split('.')
      for (let i = 0; i < labels.length - 1; i++) {
        const name = `${labels.slice(i).join('.')}.`
        const out = await awsCall('route53:ListHostedZonesByName', () => client.send(new ListHostedZonesByNameCommand({DNSName: name, MaxItems: 10})))
        const zone = (out.HostedZones ?? []).find((z) => withDot(z.Name ?? '') === name && z.Config?.PrivateZone !== true)
        if (zone?.Id) return {id: bareId(zone.Id), name}
      }

      return undefined
    },

    async recordValue(zoneId, name, type) {
      const out = await awsCall('route53:ListResourceRecordSets', () =>
        client.send(new ListResourceRecordSetsCommand({HostedZoneId: zoneId, MaxItems: 1, StartRecordName: withDot(name), StartRecordType: type as 'CNAME'})),
      )
      const set = (out.ResourceRecordSets ?? []).find((r) => withDot(r.Name ?? '') === withDot(name) && r.Type === type)
      return set?.ResourceRecords?.[0]?.Value
    },

    async upsertRecords(zoneId, records, comment) {
      const out = await awsCall('route53:ChangeResourceRecordSets', () =>
        client.send(
          new ChangeResourceRecordSetsCommand({
            ChangeBatch: {
              Changes: records.map((record) => ({
                Action: 'UPSERT',
                ResourceRecordSet: {Name: record.name, ResourceRecords: [{Value: record.value}], TTL: 300, Type: record.type},
              })),
              Comment: comment,
            },
            HostedZoneId: zoneId,
          }),
        ),
      )
      return bareId(out.ChangeInfo?.Id ?? '')
    },
  }
}
