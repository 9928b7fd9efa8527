/**
 * Reading IAM policy documents (resource policies such as an EFS file system
 * policy, or an identity policy) the way IAM evaluates them, as far as hactl
 * needs: which statements bind whom, for which actions, under which
 * conditions. Pure functions of the JSON; no AWS call.
 */

/** The parts of a policy statement hactl reads. */
export interface PolicyStatement {
  readonly Effect?: string
  readonly Principal?: unknown
  readonly Action?: string | readonly string[]
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

/** The policy's statements; undefined when it is not JSON with a Statement (IAM allows one statement or a list). */
export function statementsOf(policy: string): PolicyStatement[] | undefined {
  try {
    const parsed = JSON.parse(policy) as {Statement?: PolicyStatement | PolicyStatement[]}
    if (!parsed?.Statement) return undefined
    return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]
  } catch {
    return undefined
  }
}

/** `*` or `{AWS: '*'}` (or a list holding it): the statement binds every principal. */
export function bindsEveryone(principal: unknown): boolean {
  const values = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value])
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null) return false
  return values((principal as Record<string, unknown>).AWS).includes('*')
}

/** An IAM action pattern as a RegExp: `*` any run, `?` one character, case-insensitive (as IAM matches actions). */
function actionPattern(pattern: string): RegExp {
  const escaped = pattern.replaceAll(/[.+^${}()|[\]\\]/g, String.raw`\$&`).replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${escaped}$`, 'i')
}

/** The statement's Action covers `action` (IAM wildcards, case-insensitive). */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  const patterns = typeof statement.Action === 'string' ? [statement.Action] : (statement.Action ?? [])
  return patterns.some((pattern) => actionPattern(pattern).test(action))
}

/** The values a statement's condition blocks give a key under any of `operators` (keys compared case-insensitively, as IAM does). */
export function conditionValues(statement: PolicyStatement, operators: readonly string[], key: string): string[] {
  const values: string[] = []
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!operators.includes(operator)) continue
    for (const [name, value] of Object.entries(block)) {
      if (name.toLowerCase() === key.toLowerCase()) values.push(...(Array.isArray(value) ? value : [value]).map(String))
    }
  }

  return values
}

/**
 * Deny statements that bind every principal and cover `action`: in a
 * resource policy, the only kind that enforces anything whoever the caller is.
 */
export function denialsForEveryone(statements: readonly PolicyStatement[], action: string): PolicyStatement[] {
  return statements.filter((s) => s.Effect === 'Deny' && bindsEveryone(s.Principal) && coversAction(s, action))
}
