/**
 * Compiles hactl.yml's validators from the TypeBox schema with ajv.
 *
 * This is the slow path (TypeBox and ajv load, then ajv generates code), so
 * the build runs it once and saves the result as a standalone module
 * (`scripts/compile-validators.js` → `validators.generated.js`); at run time
 * `validate.ts` loads that and only falls back to compiling here when it is
 * missing (tests, `ts-node`).
 */
import Ajv, {type ValidateFunction} from 'ajv'
import addFormats from 'ajv-formats'
import type standaloneCode from 'ajv/dist/standalone'

import {configFileSchema, resolvedSchema} from './schema'

export interface ConfigValidators {
  readonly file: ValidateFunction
  readonly resolved: ValidateFunction
}

/**
 * An ajv set up the way hactl validates hactl.yml: `allErrors` (every
 * problem, not the first), `strict` (a mistake in the schema itself fails
 * loudly in the tests) and `verbose` (each error carries the failing value and
 * its schema, for readable messages). `source` keeps the generated code for
 * the standalone build.
 */
export function createAjv(options: {source?: boolean} = {}): Ajv {
  const ajv = new Ajv({allErrors: true, code: {source: options.source ?? false}, strict: true, verbose: true})
  addFormats(ajv)
  return ajv
}

export function compileValidators(): ConfigValidators {
  const ajv = createAjv()
  return {file: ajv.compile(configFileSchema()), resolved: ajv.compile(resolvedSchema())}
}

/** The standalone module's source, with both validators as named exports. */
export function standaloneValidatorsSource(): string {
  // Loaded here only: the standalone generator is needed at build time, never at run time.
  const {default: generate} = require('ajv/dist/standalone') as {default: typeof standaloneCode}
  const ajv = createAjv({source: true})
  ajv.addSchema(configFileSchema(), 'file')
  ajv.addSchema(resolvedSchema(), 'resolved')
  return generate(ajv, {file: 'file', resolved: 'resolved'})
}
