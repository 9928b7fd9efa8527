/**
 * Schema validation with ajv, and the translation of ajv's errors into
 * sentences. ajv runs with `allErrors` (every problem, not the first) and
 * `strict` (a mistake in the schema itself fails loudly in the tests), and
 * `verbose`, which gives each error the failing value and its schema.
 */
import type {ErrorObject, ValidateFunction} from 'ajv'

import type {compileValidators, ConfigValidators} from './compile'
import {PATTERNS} from './constants'
import {closest, describeValue, type ProblemList} from './problems'
import type {KeyPath, SourceMap} from './source-map'

let validators: ConfigValidators | undefined

/**
 * The validators, loaded once per process. The build precompiles them to a
 * standalone module, which spares every command loading TypeBox and ajv and
 * compiling the schema (about 100 ms of startup); without it (tests, ts-node)
 * they are compiled from the schema.
 */
function compiled(): ConfigValidators {
  validators ??= loadPrecompiled() ?? (require('./compile') as {compileValidators: typeof compileValidators}).compileValidators()
  return validators
}

function loadPrecompiled(): ConfigValidators | undefined {
  try {
    const generated = require('./validators.generated') as {file: ValidateFunction; resolved: ValidateFunction}
    return {file: generated.file, resolved: generated.resolved}
  } catch (error) {
    // Only "there is no generated module"; a broken one must fail loudly.
    if ((error as {code?: string}).code === 'MODULE_NOT_FOUND' && String(error).includes('validators.generated')) return undefined
    throw error
  }
}

/** Checks the file as written; adds one problem per bad key to `problems`. */
export function validateFile(raw: unknown, problems: ProblemList, source?: SourceMap): void {
  const validate = compiled().file
  if (validate(raw)) return
  for (const error of validate.errors ?? []) translate(error, problems, source)
}

/** Errors of the fully resolved config; empty when it is valid. A guard against bad defaults, not user input. */
export function resolvedErrors(config: unknown): string[] {
  const validate = compiled().resolved
  if (validate(config)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
}

const HINTS = new Map<string, string>(Object.values(PATTERNS).map((p) => [p.pattern, p.hint]))

function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s))
}

const TYPE_NAMES: Record<string, string> = {
  array: 'a list',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  object: 'a map of keys',
  string: 'text',
}

function translate(error: ErrorObject, problems: ProblemList, source?: SourceMap): void {
  const path: KeyPath = pointerToPath(error.instancePath)
  const raw = source?.sourceText(path)
  const got = `(got ${describeValue(error.data, raw)})`
  const params = error.params as Record<string, unknown>

  switch (error.keyword) {
    case 'required': {
      problems.add([...path, String(params.missingProperty)], 'is required')
      return
    }

    case 'additionalProperties': {
      const name = String(params.additionalProperty)
      const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {})
      const guess = closest(name, known)
      problems.addForKey(
        path,
        name,
        guess ? `unknown key; did you mean ${guess}?` : `unknown key; known keys here: ${known.join(', ')}`,
      )
      return
    }

    case 'propertyNames': {
      // ajv also reports the failing inner keyword (with `propertyName`), which says more.
      return
    }

    case 'pattern': {
      if (error.propertyName !== undefined) {
        problems.addForKey(path, error.propertyName, `is not a valid tag key: ${explainTagKey(error.propertyName)}`)
        return
      }

      problems.add(path, `${HINTS.get(String(params.pattern)) ?? `must match ${String(params.pattern)}`} ${got}`)
      return
    }

    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String).join(', ')
      problems.add(path, `must be one of ${allowed} ${got}`)
      return
    }

    case 'const': {
      problems.add(path, `must be ${JSON.stringify(params.allowedValue)} ${got}`)
      return
    }

    case 'type': {
      const wanted = String(params.type)
      if (error.data === null) {
        problems.add(path, 'has no value; give it one, or remove the key to use the default')
      } else if (wanted === 'string' && raw !== undefined && typeof error.data !== 'object') {
        // YAML reads 8.0 as the number 8 and yes/no-like words as they are; quoting keeps the text.
        problems.add(path, `must be text ${got}; write it in quotes: "${raw}"`)
      } else {
        problems.add(path, `must be ${TYPE_NAMES[wanted] ?? wanted} ${got}`)
      }

      return
    }

    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      problems.add(path, `must be ${String(params.comparison)} ${String(params.limit)} ${got}`)
      return
    }

    case 'minLength': {
      problems.add(path, `must be at least ${String(params.limit)} characters ${got}`)
      return
    }

    case 'maxLength': {
      problems.add(path, `must be at most ${String(params.limit)} characters long`)
      return
    }

    case 'minItems': {
      problems.add(path, `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`)
      return
    }

    case 'maxItems': {
      problems.add(path, `must list at most ${String(params.limit)} items`)
      return
    }

    case 'maxProperties': {
      problems.add(path, `must have at most ${String(params.limit)} keys`)
      return
    }

    case 'uniqueItems': {
      // ajv numbers from 0 and names the later item first.
      problems.add(path, `lists the same item twice (items ${Number(params.j) + 1} and ${Number(params.i) + 1})`)
      return
    }

    case 'format': {
      const what = params.format === 'hostname' ? 'a hostname such as www.example.org' : `a valid ${String(params.format)}`
      problems.add(path, `must be ${what} ${got}`)
      return
    }

    default: {
      problems.add(path, `${error.message ?? `fails ${error.keyword}`} ${got}`)
    }
  }
}

/** Which rule a tag key breaks, in words. */
export function explainTagKey(key: string): string {
  if (key.startsWith('aws:')) return 'keys starting with "aws:" are reserved by AWS'
  if (key.startsWith('hactl:')) return 'keys starting with "hactl:" are reserved for hactl\'s own tags'
  if (key === '.' || key === '..' || key === '_index') return `instance metadata tags cannot be named "${key}"`
  if (key.length === 0 || key.length > 128) return 'keys must be 1 to 128 characters long'
  const bad = [...new Set([...key].filter((c) => !/[A-Za-z0-9+=.,_:@-]/.test(c)))]
  const shown = bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ')
  return `${shown} not allowed; instance metadata tags allow only a-z A-Z 0-9 + - = . , _ : @`
}
