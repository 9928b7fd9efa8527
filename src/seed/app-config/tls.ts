/**
 * What the app needs to know about TLS, from hactl.yml: its public URL
 * (https with a domain; Moodle's wwwroot, WordPress's home and site URL) and
 * the HSTS max-age. They travel in the site's pointers (`url`,
 * `hstsMaxAge`) into the rendered site.php the app configs read.
 */
import type {HactlConfig} from '../../config/schema'

export interface SiteTls {
  /** `https://<domain>`; without a domain the EB URL over HTTP, or empty when not known yet. */
  readonly url: string
  /** 0 = no Strict-Transport-Security header. */
  readonly hstsMaxAge: number
}

export function siteTls(config: HactlConfig, environmentCname?: string): SiteTls {
  if (config.domain) return {hstsMaxAge: config.https.hstsMaxAge, url: `https://${config.domain.toLowerCase()}`}
  // No certificate covers the EB name: plain HTTP, and no HSTS (it would lock browsers out of it).
  return {hstsMaxAge: 0, url: environmentCname ? `http://${environmentCname}` : ''}
}
