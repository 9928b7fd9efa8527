/**
 * The secret scanner (invariant 5: no secret in plain text in environment
 * properties, user data, tags or logs). It judges text and key/value maps it
 * is given, so the same rules cover EB environment properties (doctor), a
 * seed's boot script and a bake's tags.
 *
 * A finding names where the secret is (a key, a line) and why it looks like
 * one; it never carries the value, so a report of it cannot leak it.
 */

/**
 * Names that say "secret". Matched against the name upper-cased with `-` and
 * `.` as `_`, so `db-password` and `DB_PASSWORD` both count. WordPress's
 * salts (AUTH_KEY, LOGGED_IN_SALT …) are among them.
 */
const SECRET_NAME =
  /(PASSWORD|PASSWD|(^|_)PASS(_|$)|(^|_)PWD(_|$)|SECRET|TOKEN|PRIVATE_?KEY|AUTH_?KEY|LOGGED_IN_KEY|NONCE_?KEY|SALT|API_?KEY|ACCESS_?KEY|CREDENTIAL|SIGNING_?KEY|ENCRYPTION_?KEY|SESSION_?KEY)/

/** The name says it holds a secret (`db-password`, `AUTH_KEY`, `apiToken` …). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.toUpperCase().replaceAll(/[-.]/g, '_'))
}

/** A pointer, not a secret: an ARN, or an SSM parameter name (always a /path here, so a bare word is never taken for one). */
export function isPointer(value: string): boolean {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:/.test(value) || /^\/[\w.\-/]+$/.test(value)
}

function entropyBits(text: string): number {
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / text.length
    bits -= p * Math.log2(p)
  }

  return bits
}

/**
 * What a value looks like, if it looks like a credential: an AWS access key
 * id, a secret access key (40 base64 characters), a private key, or a long
 * random-looking token. Ids (`fs-0a1b…`), endpoints, paths, hex digests and
 * ARNs do not: they are split on `.` `:` `@`, are short, or lack one of
 * upper case, lower case and digits.
 */
export function secretShapeOf(value: string): string | undefined {
  if (isPointer(value)) return undefined
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return 'a private key'
  if (/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(value)) return 'an AWS access key id'
  const mixed = (token: string): boolean => /[a-z]/.test(token) && /[A-Z]/.test(token) && /\d/.test(token)
  if (/^[A-Za-z0-9/+]{40}$/.test(value) && mixed(value) && entropyBits(value) >= 4) return 'an AWS secret access key'
  const tokens = value.match(/[A-Za-z0-9+/=_-]{32,}/g) ?? []
  if (tokens.some((token) => mixed(token) && entropyBits(token) >= 4)) return 'a long random token'
  return undefined
}

export interface SecretFinding {
  /** The key (property, tag, variable) that holds it. */
  readonly name: string
  /** Why, without the value. */
  readonly why: string
}

/** Why one key/value pair holds a secret in plain text, or undefined. */
function judgeEntry(name: string, value: string): string | undefined {
  if (isSecretName(name) && value !== '' && !isPointer(value)) return 'its name says secret and its value is not an ARN or SSM parameter name'
  const shape = secretShapeOf(value)
  return shape ? `its value looks like ${shape}` : undefined
}

/**
 * Key/value pairs (environment properties, tags …) that hold a secret in
 * plain text. Never returns a value.
 */
export function plaintextSecrets(entries: Readonly<Record<string, string>>): SecretFinding[] {
  const findings: SecretFinding[] = []
  for (const [name, value] of Object.entries(entries)) {
    const why = judgeEntry(name, value)
    if (why) findings.push({name, why})
  }

  return findings
}

export interface TextSecretFinding {
  /** 1-based line of the text. */
  readonly line: number
  /** The variable or key assigned on that line, when the line is an assignment. */
  readonly name?: string
  /** Why, without the value. */
  readonly why: string
}

/** `NAME=value`, `export NAME="value"`, `name: value` (shell, env files, YAML). */
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[:=]\s*(["']?)(.*?)\2\s*$/

/**
 * Filled in when the script runs, not written in it: `$VAR`, `${VAR}`,
 * `$(aws secretsmanager get-secret-value …)`, `{{resolve:…}}`.
 */
function isExpansion(value: string): boolean {
  // `PGPASSWORD="$pw" PGSSLMODE=require cmd …` leaves the opening quote on the value: look past it.
  const bare = value.replace(/^["']/, '')
  return bare.startsWith('$') || bare.startsWith('`') || bare.startsWith('{{')
}

/**
 * Lines of a text (a boot script, user data, a log) that hold a secret in
 * plain text: an assignment to a secret-sounding name of a literal value, or
 * anything shaped like a credential. A value read at run time (`$(…)`,
 * `${…}`) is how a secret should arrive, and passes.
 */
export function secretsInText(text: string): TextSecretFinding[] {
  const findings: TextSecretFinding[] = []
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const assignment = ASSIGNMENT.exec(line)
    if (assignment) {
      const [, name, , value] = assignment
      const why = isExpansion(value) ? undefined : judgeEntry(name, value)
      if (why) findings.push({line: index + 1, name, why})
      if (why || isExpansion(value)) continue
    }

    const shape = secretShapeOf(line.trim())
    if (shape) findings.push({line: index + 1, why: `it looks like ${shape}`})
  }

  return findings
}
