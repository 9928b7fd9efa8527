/**
 * The CloudWatch Logs groups a site's instances stream to, in one place: the
 * seed's boot script configures the CloudWatch agent with them, `env create`
 * creates the seed's groups (the instance role may only write to them, not
 * create them), the instance policy names them, and `hactl logs` reads them.
 *
 * Web nodes: Elastic Beanstalk streams with `aws:elasticbeanstalk:cloudwatch:logs`
 * StreamLogs=true, one group per file, `/aws/elasticbeanstalk/<env>/<path>`,
 * one stream per instance id (EB guide "Using Elastic Beanstalk with Amazon
 * CloudWatch Logs", AWSHowTo.cloudwatchlogs). The files below are the AL2023
 * nginx + PHP platform's default set; the php-fpm file name is UNVERIFIED.
 *
 * The seed: `/hactl/<site>/seed/<name>`, one stream per instance id (the
 * agent's `{instance_id}` placeholder).
 */

/** Days the instance logs are kept, on web nodes (EB RetentionInDays) and the seed alike. */
export const INSTANCE_LOG_RETENTION_DAYS = 30

export interface LogSource {
  /** Short name shown by `hactl logs` (nginx-access, php, hooks...). */
  readonly name: string
  /** The file on the instance. */
  readonly file: string
}

/** What EB streams from a web node (instance logs of the nginx + PHP platform). */
export const WEB_LOG_SOURCES: readonly LogSource[] = [
  {file: '/var/log/eb-engine.log', name: 'eb-engine'},
  {file: '/var/log/eb-hooks.log', name: 'hooks'},
  {file: '/var/log/nginx/access.log', name: 'nginx-access'},
  {file: '/var/log/nginx/error.log', name: 'nginx-error'},
  {file: '/var/log/php-fpm/www-error.log', name: 'php'},
]

/** What the seed's CloudWatch agent streams (its own nginx and PHP-FPM, src/seed/web-server.ts; cron; boot). */
export const SEED_LOG_SOURCES: readonly LogSource[] = [
  {file: '/var/log/hactl-boot.log', name: 'boot'},
  {file: '/var/log/hactl/cron.log', name: 'cron'},
  {file: '/var/log/hactl/seed-nginx-access.log', name: 'nginx-access'},
  {file: '/var/log/hactl/seed-nginx-error.log', name: 'nginx-error'},
  {file: '/var/log/hactl/seed-php-fpm.log', name: 'php'},
]

export interface SiteLogGroup {
  readonly group: string
  readonly source: LogSource
  readonly role: 'seed' | 'web'
}

export function webLogGroups(environment: string): SiteLogGroup[] {
  return WEB_LOG_SOURCES.map((source) => ({group: `/aws/elasticbeanstalk/${environment}${source.file}`, role: 'web', source}))
}

/** The seed's log groups' common prefix (the instance policy's resource). */
export function seedLogGroupPrefix(site: string): string {
  return `/hactl/${site}/seed/`
}

export function seedLogGroups(site: string): SiteLogGroup[] {
  return SEED_LOG_SOURCES.map((source) => ({group: `${seedLogGroupPrefix(site)}${source.name}`, role: 'seed', source}))
}
