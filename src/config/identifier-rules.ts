/**
 * The site name ends up in the names of AWS resources (`src/site/names.ts`),
 * and each service has its own rules for them. A name that passes hactl's
 * pattern but breaks one service's rule used to fail halfway through
 * `env create` (`de--mo`: RDS refuses "--" after IAM, EFS and EB were made),
 * so every rule is checked here, before any AWS call.
 *
 * config may not import src/site (layers), so the longest name of each kind
 * is restated here; `test/src/config/identifier-rules.test.ts` keeps the two
 * in step.
 */

/** One AWS naming rule, applied to the name hactl builds from the site. */
export interface IdentifierRule {
  /** The service and resource, for the message. */
  readonly resource: string
  /** The longest name hactl builds for it from `site`. */
  readonly example: (site: string) => string
  readonly maxLength: number
  /** Allowed shape; the message says `rule`. */
  readonly pattern: RegExp
  /** How AWS words the rule. */
  readonly rule: string
}

// RDS and ElastiCache: "must begin with a letter; must contain only ASCII letters, digits, and
// hyphens; must not end with a hyphen or contain two consecutive hyphens".
const DB_STYLE = /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/
/**
 * IAM names carry the Region (IAM is account-wide; names.ts): the rule is
 * checked with one of the longest Region names, so a site name that fits it
 * fits every Region.
 */
export const LONGEST_REGION_EXAMPLE = 'ap-southeast-5'

const DB_STYLE_RULE = 'a letter first, then letters, digits and single hyphens, not ending in a hyphen'

export const IDENTIFIER_RULES: readonly IdentifierRule[] = [
  {example: (s) => `hactl-${s}-db-final-20260101t000000z`, maxLength: 255, pattern: DB_STYLE, resource: 'RDS snapshot', rule: DB_STYLE_RULE},
  {example: (s) => `hactl-${s}-db-9`, maxLength: 63, pattern: DB_STYLE, resource: 'RDS DB instance', rule: DB_STYLE_RULE},
  {example: (s) => `hactl-${s}-cache`, maxLength: 255, pattern: DB_STYLE, resource: 'ElastiCache subnet group', rule: DB_STYLE_RULE},
  {example: (s) => `hactl-${s}`, maxLength: 40, pattern: DB_STYLE, resource: 'ElastiCache cluster', rule: DB_STYLE_RULE},
  {
    example: (s) => `hactl-${s}`,
    maxLength: 40,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]{2,}[A-Za-z0-9]$/,
    resource: 'Elastic Beanstalk environment',
    rule: 'letters, digits and hyphens, not starting or ending with a hyphen, 4 or more characters',
  },
  {example: (s) => `hactl-${s}-${LONGEST_REGION_EXAMPLE}-eb-service`, maxLength: 64, pattern: /^[\w+=,.@-]+$/, resource: 'IAM role', rule: 'letters, digits and +=,.@_-'},
  {example: (s) => `/hactl/${s}/lock`, maxLength: 1011, pattern: /^[\w./-]+$/, resource: 'SSM parameter', rule: 'letters, digits and _.-/'},
  {example: (s) => `hactl/${s}/cache-auth`, maxLength: 512, pattern: /^[\w/+=.@-]+$/, resource: 'Secrets Manager secret', rule: 'letters, digits and /_+=.@-'},
  {example: (s) => `hactl/${s}/bundles/`, maxLength: 1024, pattern: /^[\w./-]+$/, resource: 'S3 key', rule: 'letters, digits and _.-/'},
]

/** The first rule `site` breaks, as a sentence; undefined when every name it makes is valid. */
export function siteNameViolation(site: string): string | undefined {
  for (const rule of IDENTIFIER_RULES) {
    const name = rule.example(site)
    if (name.length > rule.maxLength) return `makes the ${rule.resource} name "${name}", longer than AWS's ${rule.maxLength} characters`
    if (!rule.pattern.test(name)) return `makes the ${rule.resource} name "${name}", which AWS refuses (it allows ${rule.rule})`
  }

  return undefined
}
