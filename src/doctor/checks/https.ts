/**
 * The site over HTTPS (issue 13): the HTTPS listener with the expected TLS
 * policy, port 80 redirecting, and the certificate issued, covering the
 * domain and not about to expire unrenewed. Without `domain` every check is
 * skipped with the same warning: the site is served over HTTP only.
 */
import {settingOf} from '../../aws/eb-options'
import {certificateNames, HTTPS_LISTENER, TLS_POLICY, uncoveredNames} from '../../env/https'
import type {SiteNames} from '../../site/names'
import {defineCheck, ebSetting, fail, pass, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

const DAY_MS = 24 * 60 * 60_000
/** ACM starts renewing 60 days before expiry; 30 days left without eligibility means it will not. */
export const EXPIRY_WARNING_DAYS = 30
const HTTP_ONLY = 'no domain in hactl.yml: the site is served over HTTP only (login forms and session cookies in clear text)'
const SET_DOMAIN = 'Set `domain` in hactl.yml and run `hactl env create`.'
const CREATE = 'Run `hactl env create`: it requests the certificate and sets the listener.'

/** The common start of every HTTPS judge: a verdict when there is nothing to judge yet. */
function precondition(facts: SiteFacts, names: SiteNames): Verdict | undefined {
  if (!facts.config.domain) return skip(HTTP_ONLY, SET_DOMAIN)
  if (!facts.environment) return skip(`no environment ${names.environment} yet`)
  return undefined
}

function judgeListener(facts: SiteFacts, names: SiteNames): Verdict {
  const early = precondition(facts, names)
  if (early) return early
  const settings = facts.environment?.settings ?? []
  const {namespace} = HTTPS_LISTENER
  const protocol = settingOf(settings, namespace, HTTPS_LISTENER.Protocol)
  const enabled = settingOf(settings, namespace, HTTPS_LISTENER.ListenerEnabled)
  if (protocol !== 'HTTPS' || enabled?.toLowerCase() === 'false') {
    return fail(`${names.environment} has no HTTPS listener on 443 (${namespace} Protocol=${protocol ?? 'unset'})`, CREATE)
  }

  const policy = settingOf(settings, namespace, HTTPS_LISTENER.SSLPolicy)
  if (policy !== TLS_POLICY) {
    return fail(`the HTTPS listener uses TLS policy ${policy ?? 'the API default ELBSecurityPolicy-2016-08 (TLS 1.0 and 1.1 allowed)'}, not ${TLS_POLICY}`, ebSetting(names.environment, namespace, HTTPS_LISTENER.SSLPolicy, TLS_POLICY))
  }

  return pass(`HTTPS on 443 with ${TLS_POLICY}`)
}

function judgeRedirect(facts: SiteFacts, names: SiteNames): Verdict {
  const early = precondition(facts, names)
  if (early) return early
  const deployed = facts.environment?.description.VersionLabel
  const expected = facts.https?.redirectVersionLabel
  if (expected && deployed === expected) return pass(`port 80 answers 301 to HTTPS (bundle ${deployed})`)
  return fail(`the environment runs bundle ${deployed ?? '(none)'}, not ${expected ?? 'the one with the redirect'}: port 80 may still serve plain HTTP`, CREATE)
}

function certificateOf(facts: SiteFacts, names: SiteNames): Verdict | NonNullable<NonNullable<SiteFacts['https']>['certificate']> {
  const early = precondition(facts, names)
  if (early) return early
  const arn = facts.https?.certificateArn
  if (!arn) return fail(`${names.environment}'s HTTPS listener names no certificate`, CREATE)
  const cert = facts.https?.certificate
  if (!cert) return fail(`ACM does not know the listener's certificate ${arn}`, CREATE)
  return cert
}

const isVerdict = (x: object): x is Verdict => 'status' in x && 'detail' in x && !('arn' in x)

function judgeIssued(facts: SiteFacts, names: SiteNames): Verdict {
  const cert = certificateOf(facts, names)
  if (isVerdict(cert)) return cert
  if (cert.status !== 'ISSUED') return fail(`certificate ${cert.arn} is ${cert.status}`, 'Run `hactl env create`: it prints the DNS validation records ACM waits for.')
  return pass(`certificate ${cert.arn} is issued`)
}

function judgeCovers(facts: SiteFacts, names: SiteNames): Verdict {
  const cert = certificateOf(facts, names)
  if (isVerdict(cert)) return cert
  const missing = uncoveredNames(cert.names, certificateNames(facts.config))
  if (missing.length > 0) return fail(`certificate ${cert.arn} does not cover ${missing.join(', ')}`, CREATE)
  return pass(`covers ${certificateNames(facts.config).join(', ')}`)
}

function judgeExpiry(facts: SiteFacts, names: SiteNames): Verdict {
  const cert = certificateOf(facts, names)
  if (isVerdict(cert)) return cert
  if (!cert.notAfter) return skip(`certificate ${cert.arn} has no expiry yet (${cert.status})`)
  const days = Math.floor((cert.notAfter.getTime() - (facts.https?.readAt ?? 0)) / DAY_MS)
  if (days < EXPIRY_WARNING_DAYS && cert.renewalEligibility !== 'ELIGIBLE') {
    return fail(
      `certificate ${cert.arn} expires in ${days} days (${cert.notAfter.toISOString().slice(0, 10)}) and ACM will not renew it (${cert.renewalEligibility ?? 'no renewal eligibility'})`,
      'Keep the DNS validation records in place and the certificate attached to the load balancer, or request a new certificate: remove https.certificateArn and run `hactl env create`.',
    )
  }

  return pass(`expires ${cert.notAfter.toISOString().slice(0, 10)} (${days} days)${cert.renewalEligibility === 'ELIGIBLE' ? ', renewed by ACM' : ''}`)
}

/** The parts in the order a broken setup shows them; the first that fails is the verdict. */
const PARTS = [judgeListener, judgeRedirect, judgeIssued, judgeCovers, judgeExpiry] as const

function judgeHttps(facts: SiteFacts, names: SiteNames): Verdict {
  const verdicts = PARTS.map((judge) => judge(facts, names))
  const first = verdicts.find((verdict) => verdict.status === 'fail') ?? verdicts.find((verdict) => verdict.status === 'skip')
  return first ?? pass(verdicts.map((verdict) => verdict.detail).join('; '))
}

/**
 * One check for the whole of HTTPS, so a site without a domain shows one
 * warning (a skip: HTTP only), not five.
 */
export const https = defineCheck({
  id: 'https',
  judge: judgeHttps,
  needs: ['environment', 'https'],
  title: `HTTPS: listener with ${TLS_POLICY}, port 80 redirects, certificate issued, covers the domain, not within ${EXPIRY_WARNING_DAYS} days of expiry unrenewed`,
})
