/**
 * Cross-key rules of the `https` section: it only means something with a
 * `domain`, a given certificate must be in the site's Region (an ALB can use
 * only a certificate of its own Region), and the alternative names are names
 * besides the domain.
 */
import {isPlainObject} from './app-defaults'
import type {ProblemList} from './problems'
import type {KeyPath} from './source-map'

export interface HttpsCheckInput {
  readonly raw: Record<string, unknown>
  readonly merged: Record<string, unknown>
  readonly problems: ProblemList
}

export function checkHttps({merged, problems, raw}: HttpsCheckInput): void {
  const written = isPlainObject(raw.https) ? raw.https : {}
  const https = isPlainObject(merged.https) ? merged.https : {}
  const domain = typeof merged.domain === 'string' ? merged.domain.toLowerCase() : undefined
  const at = (key: string): KeyPath => ['https', key]
  if (domain === undefined) {
    for (const key of ['certificateArn', 'alternativeNames']) {
      // An empty list is the default as `hactl init` writes it, not a request.
      const set = Array.isArray(written[key]) ? (written[key] as unknown[]).length > 0 : written[key] !== undefined
      if (set && !problems.hasProblemAt(at(key))) {
        problems.add(at(key), 'needs `domain`: without a domain the site is served over HTTP on its Elastic Beanstalk URL; set domain or remove this key')
      }
    }

    return
  }

  const arn = https.certificateArn
  const region = merged.region
  if (typeof arn === 'string' && typeof region === 'string' && !problems.hasProblemAt(at('certificateArn'))) {
    const arnRegion = arn.split(':')[3]
    if (arnRegion !== region) problems.add(at('certificateArn'), `is in ${arnRegion} but the site runs in ${region}; a load balancer can use only a certificate of its own Region: request or import one in ${region}`)
  }

  const names = https.alternativeNames
  if (Array.isArray(names) && !problems.hasProblemAt(at('alternativeNames')) && names.some((name) => typeof name === 'string' && name.toLowerCase() === domain)) {
    problems.add(at('alternativeNames'), `lists the domain ${domain} itself; list only the other names the certificate should cover`)
  }
}
