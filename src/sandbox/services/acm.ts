import {
  ACMServiceException,
  InvalidArgsException,
  InvalidArnException,
  InvalidDomainValidationOptionsException,
  InvalidParameterException,
  InvalidTagException,
  LimitExceededException,
  ResourceNotFoundException,
  ThrottlingException,
  TooManyTagsException,
  ValidationException,
  type CertificateDetail,
  type CertificateStatus,
  type DescribeCertificateCommandInput,
  type DescribeCertificateCommandOutput,
  type ListCertificatesCommandInput,
  type ListCertificatesCommandOutput,
  type ListTagsForCertificateCommandInput,
  type ListTagsForCertificateCommandOutput,
  type RequestCertificateCommandInput,
  type RequestCertificateCommandOutput,
} from '@aws-sdk/client-acm'

import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {hexOf} from '../ids'
import {paginate} from '../paging'
import {checkTags, reservedPrefixes, type Tags, type TagRules} from '../tags'
import {defineService, type OperationContext, type RegionState, type Result, THROTTLING} from '../types'
import {findRecord, zoneFor} from './route53'


/*
 * The simulated ACM: DNS-validated public certificates. Validation is derived
 * from the simulated clock and the sandbox's Route 53 zones each time a
 * certificate is read (see acm.md), so no advance phase is needed.
 */

export interface CertificateRecord {
  readonly arn: string
  readonly domain: string
  /** The domain first, then the alternative names. */
  readonly names: string[]
  readonly requestedAt: number
  readonly idempotencyToken: string | undefined
  tags: Tags
}

export interface AcmState {
  certificates: CertificateRecord[]
}

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
/** After a matching CNAME is in a sandbox zone, ACM's resolvers see it and validate the name. */
export const ACM_TIMINGS = {
  /** ACM writes the validation records into the certificate a few seconds after the request. */
  recordsAfterMs: 10_000,
  /** From the record being written in a sandbox Route 53 zone to the name being validated. */
  validateAfterRecordMs: 2 * MINUTE,
  /** A name no sandbox zone holds stands for a record the operator adds at another DNS provider. */
  externalDnsMs: 20 * MINUTE,
  /** ACM gives up on a certificate not validated in 72 hours. */
  validationTimeoutMs: 72 * 60 * MINUTE,
  /** Amazon-issued certificates are valid for 395 days. */
  validityMs: 395 * DAY,
  /** An idempotency token returns the same certificate for one hour. */
  idempotencyMs: 60 * MINUTE,
} as const

const MAX_NAMES = 10
const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/*
 * Handlers get only their slice, but validation reads Route 53's part of the
 * same region: the slice remembers the region it was taken from.
 */
const regions = new WeakMap<AcmState, RegionState>()

function slice(region: RegionState): AcmState {
  region.acm ??= {certificates: []}
  regions.set(region.acm, region)
  return region.acm
}

function regionOf(state: AcmState): RegionState {
  const region = regions.get(state)
  if (!region) throw new Error('acm: a slice read without its region')
  return region
}

const tagRules: TagRules = {
  badKey: (key) => new SimError('InvalidTagException', `Tag key ${key} is not valid.`),
  badValue: (key) => new SimError('InvalidTagException', `Tag value for ${key} is not valid.`),
  reserved: reservedPrefixes('aws:'),
  reservedKey: (key) => new SimError('InvalidTagException', `Tag key ${key} uses the reserved prefix aws:.`),
  tooMany: () => new SimError('TooManyTagsException', 'the TagSet exceeds the maximum of 50 tags.'),
}

/** ACM's validation record for a name: the same for every certificate of the account that names it. */
export function validationRecord(account: string, name: string): {Name: string; Type: 'CNAME'; Value: string} {
  const bare = name.replace(/^\*\./, '').toLowerCase()
  return {
    Name: `_${hexOf(`${account}:${bare}:name`, 32)}.${bare}.`,
    Type: 'CNAME',
    Value: `_${hexOf(`${account}:${bare}:value`, 32)}.${hexOf(bare, 10)}.acm-validations.aws.`,
  }
}

/** When each name is (or will be) validated; undefined while ACM cannot see a record for it. */
function validatedAt(region: RegionState, account: string, cert: CertificateRecord, name: string): number | undefined {
  const bare = name.replace(/^\*\./, '')
  if (!zoneFor(region, bare)) return cert.requestedAt + ACM_TIMINGS.externalDnsMs
  const record = validationRecord(account, name)
  const written = findRecord(region, record.Name, 'CNAME', record.Value)
  return written === undefined ? undefined : Math.max(written, cert.requestedAt) + ACM_TIMINGS.validateAfterRecordMs
}

interface Derived {
  readonly status: CertificateStatus
  readonly perName: ReadonlyArray<{readonly name: string; readonly at: number | undefined}>
  readonly issuedAt?: number
}

function derive(region: RegionState, context: OperationContext, cert: CertificateRecord): Derived {
  const perName = cert.names.map((name) => ({at: validatedAt(region, context.account, cert, name), name}))
  const times = perName.map((entry) => entry.at)
  const all = times.every((at): at is number => at !== undefined) ? Math.max(...times) : undefined
  const deadline = cert.requestedAt + ACM_TIMINGS.validationTimeoutMs
  if (all !== undefined && all <= context.now && all <= deadline) {
    const expired = context.now >= all + ACM_TIMINGS.validityMs
    return {issuedAt: all, perName, status: expired ? 'EXPIRED' : 'ISSUED'}
  }

  return {perName, status: context.now >= deadline ? 'VALIDATION_TIMED_OUT' : 'PENDING_VALIDATION'}
}

function detail(region: RegionState, context: OperationContext, cert: CertificateRecord): CertificateDetail {
  const derived = derive(region, context, cert)
  const recordsReady = context.now >= cert.requestedAt + ACM_TIMINGS.recordsAfterMs
  return {
    CertificateArn: cert.arn,
    CreatedAt: new Date(cert.requestedAt),
    DomainName: cert.domain,
    DomainValidationOptions: derived.perName.map(({at, name}) => ({
      DomainName: name,
      ResourceRecord: recordsReady ? validationRecord(context.account, name) : undefined,
      ValidationDomain: name,
      ValidationMethod: 'DNS',
      ValidationStatus: at !== undefined && at <= context.now && derived.status !== 'VALIDATION_TIMED_OUT' ? 'SUCCESS' : derived.status === 'VALIDATION_TIMED_OUT' ? 'FAILED' : 'PENDING_VALIDATION',
    })),
    FailureReason: derived.status === 'VALIDATION_TIMED_OUT' ? 'OTHER' : undefined,
    InUseBy: [],
    IssuedAt: derived.issuedAt === undefined ? undefined : new Date(derived.issuedAt),
    KeyAlgorithm: 'RSA_2048',
    NotAfter: derived.issuedAt === undefined ? undefined : new Date(derived.issuedAt + ACM_TIMINGS.validityMs),
    NotBefore: derived.issuedAt === undefined ? undefined : new Date(derived.issuedAt),
    // Amazon-issued, DNS-validated: ACM renews it while the record stays in DNS (see acm.md).
    RenewalEligibility: derived.status === 'ISSUED' ? 'ELIGIBLE' : 'INELIGIBLE',
    Status: derived.status,
    SubjectAlternativeNames: [...cert.names],
    Type: 'AMAZON_ISSUED',
  }
}

function findCertificate(state: AcmState, arn: string | undefined): CertificateRecord {
  if (arn === undefined || !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/.test(arn)) {
    throw new SimError('InvalidArnException', `String '${arn ?? ''}' is not a valid ARN.`)
  }

  const cert = state.certificates.find((candidate) => candidate.arn === arn)
  if (!cert) throw new SimError('ResourceNotFoundException', `Could not find certificate ${arn}.`)
  return cert
}

function requestCertificate(state: AcmState, input: RequestCertificateCommandInput, context: OperationContext): Result<RequestCertificateCommandOutput> {
  if (input.ValidationMethod !== 'DNS') throw new SandboxUnsupportedError('acm', `RequestCertificate with ValidationMethod ${input.ValidationMethod ?? '(none: EMAIL)'}`)
  if (input.CertificateAuthorityArn !== undefined) throw new SandboxUnsupportedError('acm', 'RequestCertificate of a private certificate')
  const domain = (input.DomainName ?? '').toLowerCase()
  if (domain.length > 253 || !HOSTNAME.test(domain)) {
    throw new SimError('ValidationException', `1 validation error detected: Value '${input.DomainName ?? ''}' at 'domainName' failed to satisfy constraint: Member must satisfy regular expression pattern`)
  }

  const token = input.IdempotencyToken
  if (token !== undefined && !/^\w{1,32}$/.test(token)) {
    throw new SimError('ValidationException', `1 validation error detected: Value '${token}' at 'idempotencyToken' failed to satisfy constraint: Member must satisfy regular expression pattern: \\w+`)
  }

  const names = [...new Set([domain, ...(input.SubjectAlternativeNames ?? []).map((name) => name.toLowerCase())])]
  for (const name of names) {
    if (!HOSTNAME.test(name)) throw new SimError('InvalidDomainValidationOptionsException', `Domain name ${name} is not valid.`)
  }

  if (names.length > MAX_NAMES) throw new SimError('LimitExceededException', `Cannot request a certificate with more than ${MAX_NAMES} domain names.`)
  const tags = checkTags(tagRules, input.Tags)
  if (token !== undefined) {
    const same = state.certificates.find((cert) => cert.idempotencyToken === token && context.now - cert.requestedAt < ACM_TIMINGS.idempotencyMs)
    if (same) return {CertificateArn: same.arn}
  }

  const id = [8, 4, 4, 4, 12].map((length, i) => hexOf(`${context.nextId('acm')}:${i}`, length)).join('-')
  const arn = `arn:aws:acm:${context.region}:${context.account}:certificate/${id}`
  state.certificates.push({arn, domain, idempotencyToken: token, names, requestedAt: context.now, tags})
  return {CertificateArn: arn}
}

export const acm = defineService<AcmState>({
  name: 'acm',
  throttleError: THROTTLING.json,
  internalError: {code: 'InternalFailure', message: 'An internal error occurred.', status: 500},
  slice,
  operations: {
    DescribeCertificate: (state: AcmState, input: DescribeCertificateCommandInput, context: OperationContext): Result<DescribeCertificateCommandOutput> => ({
      Certificate: detail(regionOf(state), context, findCertificate(state, input.CertificateArn)),
    }),
    ListCertificates(state: AcmState, input: ListCertificatesCommandInput, context: OperationContext): Result<ListCertificatesCommandOutput> {
      const region = regionOf(state)
      const wanted = input.CertificateStatuses
      const matching = state.certificates
        .map((cert) => ({cert, status: derive(region, context, cert).status}))
        .filter(({status}) => wanted === undefined || wanted.length === 0 || wanted.includes(status))
      const page = paginate(matching, {
        badToken: () => new SimError('InvalidArgsException', 'The NextToken is not valid.'),
        defaultSize: 1000,
        maxResults: input.MaxItems,
        nextToken: input.NextToken,
      })
      return {
        CertificateSummaryList: page.items.map(({cert, status}) => ({CertificateArn: cert.arn, DomainName: cert.domain, Status: status, SubjectAlternativeNameSummaries: [...cert.names]})),
        NextToken: page.nextToken,
      }
    },
    ListTagsForCertificate(state: AcmState, input: ListTagsForCertificateCommandInput): Result<ListTagsForCertificateCommandOutput> {
      const cert = findCertificate(state, input.CertificateArn)
      return {Tags: Object.entries(cert.tags).map(([Key, Value]) => ({Key, Value}))}
    },
    RequestCertificate: requestCertificate,
  },
  toException: modeledExceptions(
    {InvalidArgsException, InvalidArnException, InvalidDomainValidationOptionsException, InvalidParameterException, InvalidTagException, LimitExceededException, ResourceNotFoundException, ThrottlingException, TooManyTagsException, ValidationException},
    ACMServiceException,
    'json',
  ),
})
