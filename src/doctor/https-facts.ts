/**
 * The HTTPS facts doctor judges (checks/https.ts): the certificate the
 * environment's HTTPS listener names, as ACM describes it, and the bundle
 * version that carries the port-80 redirect. EB has no option for the
 * redirect (it is an .ebextensions resource, see src/env/https.ts), so its
 * evidence is the deployed application version: the label of the bundle
 * hactl builds for this hactl.yml, which holds the redirect file.
 */
import type {AcmApi, CertificateSummary} from '../aws/acm'
import {settingOf, type EbOptionSetting} from '../aws/eb-options'
import type {HactlConfig} from '../config/schema'
import {buildBundle} from '../env/bundle'
import {HTTPS_LISTENER, siteBundle} from '../env/https'

export interface HttpsFacts {
  /** The listener's certificate ARN, when the environment has one. */
  readonly certificateArn?: string
  /** ACM's description of it; undefined when ACM does not know the ARN (or could not be asked). */
  readonly certificate?: CertificateSummary
  /** The version label of the bundle with the redirect that `env create` deploys for this hactl.yml. */
  readonly redirectVersionLabel?: string
  /** When the facts were read (the clock's ms), for the expiry check. */
  readonly readAt: number
}

export async function readHttpsFacts(config: HactlConfig, settings: readonly EbOptionSetting[] | undefined, acm: (() => Promise<AcmApi>) | undefined, now: number): Promise<HttpsFacts> {
  if (!config.domain) return {readAt: now}
  const certificateArn = settings ? settingOf(settings, HTTPS_LISTENER.namespace, HTTPS_LISTENER.SSLCertificateArns) : undefined
  const certificate = certificateArn && acm ? await (await acm()).describeCertificate(certificateArn) : undefined
  return {certificate, certificateArn, readAt: now, redirectVersionLabel: siteBundle(config, buildBundle()).versionLabel}
}
