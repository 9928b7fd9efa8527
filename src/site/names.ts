/**
 * Every name hactl gives a site's resources, in one place. Names are
 * deterministic so a re-run (or a second operator) finds what exists instead
 * of creating it twice, and they all start with `hactl-<site>` so the
 * operator sees at a glance what hactl owns.
 *
 * Length limits that shape them (site is at most 23 characters):
 *   EB environment 4–40, ElastiCache replication group ≤ 40, RDS ids ≤ 63,
 *   IAM role ≤ 64, security group ≤ 255.
 *
 * IAM is global to the account while everything else is per Region: two
 * copies of a site in two Regions (a staging copy) would share role names,
 * and destroying one would delete the roles the other runs on. So the IAM
 * names carry the Region (`hactl-demo-eu-west-1-instance`, at most
 * 6 + 23 + 1 + 14 + 11 = 55 characters with the longest Region names).
 */

/** The security groups of a site, by role. */
export const SECURITY_GROUP_ROLES = ['lb', 'web', 'seed', 'efs', 'db', 'cache'] as const
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number]

export interface SiteNames {
  readonly application: string
  readonly environment: string
  readonly securityGroup: Readonly<Record<SecurityGroupRole, string>>
  /** EFS CreationToken: EFS's own idempotency key for the file system. */
  readonly efsCreationToken: string
  /** EFS access point ClientToken. */
  readonly accessPointToken: string
  readonly dbSubnetGroup: string
  /** The DB parameter group (Aurora: DB cluster parameter group) that enforces TLS. */
  readonly dbParameterGroup: string
  /** The RDS instance, or the Aurora cluster. */
  readonly db: string
  /** Aurora instances: the writer first, then the readers. */
  auroraInstance(index: number): string
  readonly cacheSubnetGroup: string
  /** Redis replication group or Memcached cluster. */
  readonly cache: string
  /** Secrets Manager name of the Redis AUTH token. */
  readonly cacheSecret: string
  /** ClientRequestToken of the AUTH token secret's first version. */
  readonly cacheSecretToken: string
  /** Secrets Manager name of the app's own DB user and password (src/seed/db-user.ts). */
  readonly appDbSecret: string
  /** ClientRequestToken of the app DB secret's first version. */
  readonly appDbSecretToken: string
  /** The app's DB user name: a plain SQL identifier (db-user.ts check_identifier). */
  readonly appDbUser: string
  /** The SSM String parameter holding the site's pointers (src/seed/pointers.ts). */
  readonly pointerParameter: string
  /** The SSM path the seed writes its results under (boot result...). */
  readonly seedParameterPrefix: string
  /** IAM names: per site AND Region, as IAM is account-wide. */
  readonly instanceRole: string
  readonly instanceProfile: string
  readonly serviceRole: string
  /** The site's SNS topic for notifications (hactl.yml notify). */
  readonly notifyTopic: string
  /** EventBridge Scheduler schedule that runs the staging tests on the seed. */
  readonly testSchedule: string
  /** IAM role EventBridge Scheduler assumes to send the staging command: per site AND Region. */
  readonly schedulerRole: string
  /** The final snapshot a destroy takes of the database (prefix: `finalSnapshotPrefix`). */
  readonly finalSnapshotPrefix: string
  /** The final snapshot a destroy takes of the database. */
  finalSnapshot(stamp: string): string
  /** S3 key of an application bundle in EB's storage bucket. */
  bundleKey(versionLabel: string): string
  /** S3 key of the seed's files (src/seed/boot-script.ts seedPayload) in EB's storage bucket, by the payload's sha256. */
  seedFilesKey(sha256: string): string
  /** The prefix every seed files key of the site starts with. */
  readonly seedFilesPrefix: string
}

export function siteNames(site: string, region: string): SiteNames {
  const base = `hactl-${site}`
  const iamBase = `${base}-${region}`
  const securityGroup = Object.fromEntries(SECURITY_GROUP_ROLES.map((role) => [role, `${base}-${role}`])) as Record<
    SecurityGroupRole,
    string
  >
  return {
    accessPointToken: `${base}-uploads-ap`,
    appDbSecret: `hactl/${site}/db-app`,
    appDbSecretToken: `${base}-db-app-v1-00000000000000000000`,
    // Site names allow hyphens, SQL identifiers in db-user.ts do not.
    appDbUser: `hactl_${site.replaceAll('-', '_')}`.slice(0, 32),
    application: base,
    auroraInstance: (index) => `${base}-db-${index + 1}`,
    bundleKey: (label) => `hactl/${site}/bundles/${label}.zip`,
    cache: base,
    cacheSecret: `hactl/${site}/cache-auth`,
    cacheSecretToken: `${base}-cache-auth-v1-0000000000000000000`,
    cacheSubnetGroup: `${base}-cache`,
    db: `${base}-db`,
    dbParameterGroup: `${base}-db`,
    dbSubnetGroup: `${base}-db`,
    efsCreationToken: `${base}-uploads`,
    finalSnapshotPrefix: `${base}-db-final-`,
    environment: base,
    // RDS stores identifiers in lowercase, so the name is made lowercase to match what DescribeDBSnapshots returns.
    finalSnapshot: (stamp) => `${base}-db-final-${stamp}`.toLowerCase(),
    instanceProfile: `${iamBase}-instance`,
    instanceRole: `${iamBase}-instance`,
    notifyTopic: `${base}-notify`,
    pointerParameter: `/hactl/${site}/site`,
    schedulerRole: `${iamBase}-scheduler`,
    securityGroup,
    seedFilesKey: (sha256) => `hactl/${site}/seed/files-${sha256.slice(0, 16)}.sh.gz`,
    seedFilesPrefix: `hactl/${site}/seed/files-`,
    seedParameterPrefix: `/hactl/${site}/seed/`,
    serviceRole: `${iamBase}-eb-service`,
    testSchedule: `${base}-staging-tests`,
  }
}
