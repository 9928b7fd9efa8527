/**
 * The site's ACM certificate, with DNS validation:
 *
 *   hactl.yml https.certificateArn ─► used as it is (must be issued and cover the domain)
 *   else: a certificate tagged for the site that covers every name ─► reused
 *         else RequestCertificate (DNS, tagged, idempotency token)
 *      ─► its validation records: UPSERTed in the account's public hosted zone
 *         for each name, else printed for the operator to create elsewhere
 *      ─► wait for ISSUED (a timeout says which records and how to resume)
 *
 * The certificate and its records outlive the environment on purpose: ACM
 * renews the certificate only while the records stay in DNS, and the next
 * `env create` reuses it. Without `domain` the step does nothing.
 */
import {createHash} from 'node:crypto'

import type {AcmApi, CertificateSummary, ValidationRecord} from '../../aws/acm'
import type {Route53Api} from '../../aws/route53'
import {pollUntil} from '../../aws/wait'
import {TimeoutError, UserError} from '../../core/errors'
import {defineStep, type Step, type StepContext} from '../../core/steps'
import {certificateNames, uncoveredNames} from '../https'
import {tagsFor} from '../spec'
import type {EnvStepOptions} from './context'

export interface CertificateOutput {
  /** Undefined without a domain: the site stays on HTTP. */
  readonly arn?: string
  readonly status?: string
  readonly notAfter?: string
}

const ROLE = 'certificate'

export function certificateStep(options: EnvStepOptions): Step<CertificateOutput> {
  return defineStep({
    describe: (out) => (out.arn ? `${out.arn} ${out.status ?? ''}`.trim() : 'no domain: HTTP only'),
    id: 'env/certificate',
    run: (_inputs, context) => ensureCertificate(options, context),
    title: options.config.domain ? `Certificate for ${options.config.domain}` : 'Certificate (no domain)',
  })
}

async function ensureCertificate(options: EnvStepOptions, context: StepContext): Promise<CertificateOutput> {
  const {clients, config, note} = options
  const names = certificateNames(config)
  if (names.length === 0) return {}
  const acm = await clients.acm()
  if (config.https.certificateArn) return givenCertificate(acm, config.https.certificateArn, names, note)

  const tags = tagsFor(config, ROLE)
  const reusable = (await acm.findCertificates({'hactl:role': ROLE, 'hactl:site': config.site}))
    .filter((cert) => uncoveredNames(cert.names, names).length === 0)
    .sort((a, b) => rank(a) - rank(b))[0]
  const arn = reusable?.arn ?? (await acm.requestCertificate({alternativeNames: names.slice(1), domain: names[0], idempotencyToken: idempotencyToken(config.site, names), tags}))
  note('ACM certificate', names.join(', '), arn, reusable ? 'found' : 'created')
  if (reusable?.status === 'ISSUED') return output(reusable)

  context.startedOperation()
  const withRecords = await waitFor(options, context, acm, arn, 'its DNS validation records', (cert) => cert.validation.length >= names.length || cert.status === 'ISSUED')
  if (withRecords.status === 'ISSUED') return output(withRecords)
  const outside = await writeValidationRecords(options, withRecords.validation)
  if (outside.length > 0) {
    options.reporter.emit({message: `Create ${outside.length === 1 ? 'this DNS record' : 'these DNS records'} at your DNS provider so ACM can issue the certificate: ${formatRecords(outside)}`, type: 'warning'})
  }

  try {
    return output(await waitFor(options, context, acm, arn, 'ACM to validate the domain and issue the certificate', (cert) => cert.status === 'ISSUED'))
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error
    const records = outside.length > 0 ? outside : withRecords.validation
    throw new TimeoutError(`The certificate for ${names.join(', ')} is not issued yet (${arn}); ACM is waiting for ${formatRecords(records)}.`, {
      data: {certificateArn: arn, validationRecords: records},
      suggestions: [
        outside.length > 0 ? 'Create the DNS record(s) above at your DNS provider (they stay: ACM renews the certificate through them).' : 'The records are in your Route 53 zone; DNS may take a few minutes to answer.',
        'Then run `hactl env create` again: it finds the certificate and continues once ACM has issued it.',
      ],
    })
  }
}

/** A certificate named in hactl.yml: used as it is, so it must already be usable. */
async function givenCertificate(acm: AcmApi, arn: string, names: readonly string[], note: EnvStepOptions['note']): Promise<CertificateOutput> {
  const cert = await acm.describeCertificate(arn)
  const fix = 'Fix https.certificateArn in hactl.yml, or remove it to let hactl request a certificate.'
  if (!cert) throw new UserError('certificate-not-found', `ACM has no certificate ${arn} in this account and Region.`, {suggestions: [fix]})
  if (cert.status !== 'ISSUED') throw new UserError('certificate-not-issued', `Certificate ${arn} is ${cert.status}, not ISSUED.`, {suggestions: [fix]})
  const missing = uncoveredNames(cert.names, names)
  if (missing.length > 0) throw new UserError('certificate-does-not-cover', `Certificate ${arn} does not cover ${missing.join(', ')}.`, {suggestions: [fix]})
  note('ACM certificate', names.join(', '), arn, 'found')
  return output(cert)
}

/** UPSERTs each record in the public zone that holds its name; returns the ones no zone of the account holds. */
async function writeValidationRecords(options: EnvStepOptions, records: readonly ValidationRecord[]): Promise<ValidationRecord[]> {
  const route53: Route53Api = await options.clients.route53()
  const outside: ValidationRecord[] = []
  // Two names (example.org, *.example.org) can share one record.
  const unique = [...new Map(records.map((record) => [record.name, record])).values()]
  for (const record of unique) {
    const zone = await route53.findPublicZone(record.domain.replace(/^\*\./, ''))
    if (!zone) {
      outside.push(record)
      continue
    }

    const current = await route53.recordValue(zone.id, record.name, record.type)
    if (current?.toLowerCase() === record.value.toLowerCase()) {
      options.note('DNS validation record', record.name, zone.id, 'found')
      continue
    }

    await route53.upsertRecords(zone.id, [{name: record.name, type: 'CNAME', value: record.value}], `hactl ${options.config.site}: ACM validation for ${record.domain}`)
    options.note('DNS validation record', record.name, zone.id, current ? 'updated' : 'created')
  }

  return outside
}

async function waitFor(options: EnvStepOptions, context: StepContext, acm: AcmApi, arn: string, what: string, done: (cert: CertificateSummary) => boolean): Promise<CertificateSummary> {
  return pollUntil({
    check(cert) {
      if (!cert) return {state: 'retry', status: 'not visible yet'}
      if (done(cert)) return {state: 'done'}
      if (['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'EXPIRED', 'INACTIVE'].includes(cert.status)) {
        return {message: `certificate ${arn} is ${cert.status}${cert.failureReason ? ` (${cert.failureReason})` : ''}`, state: 'failed'}
      }

      return {state: 'retry', status: cert.status}
    },
    clock: options.clock,
    maxDelayMs: 30_000,
    minDelayMs: 5000,
    poll: () => acm.describeCertificate(arn),
    reporter: options.reporter,
    what,
    ...context.deadline.wait(context.signal),
  }).then((cert) => {
    if (!cert) throw new Error(`certificate ${arn} vanished while waiting`)
    return cert
  })
}

/** ISSUED first, then the one that expires last. */
function rank(cert: CertificateSummary): number {
  return (cert.status === 'ISSUED' ? 0 : 1e15) - (cert.notAfter?.getTime() ?? 0)
}

function output(cert: CertificateSummary): CertificateOutput {
  return {arn: cert.arn, notAfter: cert.notAfter?.toISOString(), status: cert.status}
}

function formatRecords(records: readonly ValidationRecord[]): string {
  return records.map((record) => `${record.name} ${record.type} ${record.value}`).join('; ')
}

/** ACM's token: \w{1,32}, the same for the same site and names, so a retried request returns the same certificate. */
export function idempotencyToken(site: string, names: readonly string[]): string {
  return `h${createHash('sha256').update(`${site}\n${names.join('\n')}`).digest('hex').slice(0, 31)}`
}
