/**
 * The site's pointers: one SSM String parameter, `/hactl/<site>/site`, holding
 * the non-secret facts the app needs (endpoints, names, ARNs of the secrets),
 * the single source of truth for the seed and the web nodes alike.
 *
 * Why an SSM parameter and not EB environment properties: the seed is not an
 * EB instance and has no `get-config`; both kinds of instance can read an SSM
 * parameter with the site's instance role, and a change (a new cache
 * endpoint) reaches them at the next render without a redeploy. Secrets are
 * not in it: only the ARNs that say where they are.
 *
 *   EB property HACTL_SITE (web) ─┐
 *   /etc/hactl/site (seed)  ───────┴─► site ─► ssm get-parameter /hactl/<site>/site ─► pointers
 *                                                                                      │ ARNs
 *                                       secretsmanager get-secret-value ◄──────────────┘
 *                                                     │
 *                                                     ▼
 *                                    /run/hactl/site.php (tmpfs, 0640 root:<php group>)
 */

/** The pointer parameter's JSON. Field names follow the EB properties (src/env/spec.ts environmentProperties). */
export interface SitePointers {
  readonly app: 'moodle' | 'wordpress'
  readonly site: string
  /** The database engine, as in hactl.yml (`mysql`, `aurora-postgresql`...): it picks the client. */
  readonly dbEngine: string
  readonly dbEndpoint: string
  readonly dbPort: number
  readonly dbName: string
  /** Aurora reader endpoint, or empty. */
  readonly dbReaderEndpoint: string
  /** The RDS-managed master secret: read only by the seed's boot to manage the app user; never rendered. */
  readonly dbSecretArn: string
  /** The app's own DB user and password (not rotated by RDS): `{"username", "password", "keys"?}`. */
  readonly dbAppSecretArn: string
  readonly cacheEngine: 'memcached' | 'redis'
  readonly cacheEndpoint: string
  readonly cachePort: number
  /** The Redis AUTH token's secret, or empty (memcached). */
  readonly cacheSecretArn: string
  /** In-transit encryption on the cache. @default true */
  readonly cacheTls?: boolean
  readonly efsId: string
  readonly efsAccessPoint: string
  /** Relative to the code (`wp-content/uploads`) or absolute (`/mnt/moodledata`). */
  readonly uploadsPath: string
  /** The site's public URL (Moodle's wwwroot); empty lets WordPress use its own option. */
  readonly url?: string
  /** Strict-Transport-Security max-age in seconds; 0 or absent: no header (app-config/tls.ts). */
  readonly hstsMaxAge?: number
}

/** The SSM parameter holding the pointers. */
export function pointerParameterName(site: string): string {
  return `/hactl/${site}/site`
}

/** The SSM parameter the seed's boot writes its result to. */
export function bootResultParameterName(site: string): string {
  return `/hactl/${site}/seed/boot`
}

/** Where the site's rendered configuration lives: tmpfs, so no image ever captures it. */
export const RUN_DIR = '/run/hactl'

/** Where the seed's user data writes the site's name (not a secret). */
export const SITE_NAME_FILE = '/etc/hactl/site'
