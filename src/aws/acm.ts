/**
 * The ACM calls hactl makes: the site's certificate, requested with DNS
 * validation (or given by ARN in hactl.yml), read back for its validation
 * records, status and expiry.
 */
import {
  type ACMClient,
  type CertificateDetail,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm'

import {awsCall, hasAwsCode} from './errors'
import {tagList} from './resource-calls'
import type {ApiContext, Tags} from './types'

/** One DNS record ACM asks for to prove control of a name. */
export interface ValidationRecord {
  /** The name it validates (the domain or an alternative name). */
  readonly domain: string
  readonly name: string
  readonly type: string
  readonly value: string
  /** PENDING_VALIDATION, SUCCESS, FAILED. */
  readonly status?: string
}

/** What hactl reads of a certificate. */
export interface CertificateSummary {
  readonly arn: string
  readonly domain: string
  /** Every name it covers, the domain included. */
  readonly names: readonly string[]
  /** PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED, FAILED. */
  readonly status: string
  /** Empty until ACM has made them (a few seconds after the request). */
  readonly validation: readonly ValidationRecord[]
  readonly notAfter?: Date
  /** ELIGIBLE or INELIGIBLE: whether ACM renews it by itself. */
  readonly renewalEligibility?: string
  /** ARNs of the load balancers (and other resources) using it. */
  readonly inUseBy: readonly string[]
  readonly failureReason?: string
}

export interface AcmApi {
  /** The certificate (DescribeCertificate), or undefined when ACM has no such ARN. */
  describeCertificate(arn: string): Promise<CertificateSummary | undefined>
  /** Certificates in PENDING_VALIDATION or ISSUED whose tags include every one of `tags`. */
  findCertificates(tags: Tags): Promise<CertificateSummary[]>
  /**
   * Requests a DNS-validated certificate. `idempotencyToken` makes a retried
   * request (within the hour ACM remembers it) return the same ARN.
   */
  requestCertificate(input: {domain: string; alternativeNames: readonly string[]; idempotencyToken: string; tags: Tags}): Promise<string>
}

export function toCertificateSummary(detail: CertificateDetail): CertificateSummary {
  return {
    arn: detail.CertificateArn ?? '',
    domain: detail.DomainName ?? '',
    failureReason: detail.FailureReason,
    inUseBy: detail.InUseBy ?? [],
    names: detail.SubjectAlternativeNames ?? (detail.DomainName ? [detail.DomainName] : []),
    notAfter: detail.NotAfter,
    renewalEligibility: detail.RenewalEligibility,
    status: detail.Status ?? 'UNKNOWN',
    validation: (detail.DomainValidationOptions ?? []).flatMap((option) =>
      option.ResourceRecord
        ? [{domain: option.DomainName ?? '', name: option.ResourceRecord.Name ?? '', status: option.ValidationStatus, type: option.ResourceRecord.Type ?? 'CNAME', value: option.ResourceRecord.Value ?? ''}]
        : [],
    ),
  }
}

export function createAcmApi(client: ACMClient, _context: ApiContext): AcmApi {
  async function describeCertificate(arn: string): Promise<CertificateSummary | undefined> {
    try {
      const out = await client.send(new DescribeCertificateCommand({CertificateArn: arn}))
      return out.Certificate ? toCertificateSummary(out.Certificate) : undefined
    } catch (error) {
      if (hasAwsCode(error, 'ResourceNotFoundException')) return undefined
      return awsCall('acm:DescribeCertificate', () => Promise.reject(error))
    }
  }

  return {
    describeCertificate,

    async findCertificates(tags) {
      const arns: string[] = []
      let NextToken: string | undefined
      do {
        const page = await awsCall('acm:ListCertificates', () =>
          client.send(new ListCertificatesCommand({CertificateStatuses: ['PENDING_VALIDATION', 'ISSUED'], NextToken})),
        )
        for (const summary of page.CertificateSummaryList ?? []) if (summary.CertificateArn) arns.push(summary.CertificateArn)
        NextToken = page.NextToken
      } while (NextToken)

      const found: CertificateSummary[] = []
      for (const arn of arns) {
        const listed = await awsCall('acm:ListTagsForCertificate', () => client.send(new ListTagsForCertificateCommand({CertificateArn: arn})))
        const has = new Map((listed.Tags ?? []).map((tag) => [tag.Key, tag.Value ?? '']))
        if (!Object.entries(tags).every(([key, value]) => has.get(key) === value)) continue
        const summary = await describeCertificate(arn)
        if (summary) found.push(summary)
      }

      return found
    },

    async requestCertificate(input) {
      const alternatives = input.alternativeNames.filter((name) => name !== input.domain)
      const out = await awsCall('acm:RequestCertificate', () =>
        client.send(
          new RequestCertificateCommand({
            DomainName: input.domain,
            IdempotencyToken: input.idempotencyToken,
            // ACM lists the domain among the alternative names itself; giving it too is allowed.
            SubjectAlternativeNames: alternatives.length > 0 ? [input.domain, ...alternatives] : undefined,
            Tags: tagList(input.tags),
            ValidationMethod: 'DNS',
          }),
        ),
      )
      if (!out.CertificateArn) throw new Error('ACM RequestCertificate returned no CertificateArn')
      return out.CertificateArn
    },
  }
}
