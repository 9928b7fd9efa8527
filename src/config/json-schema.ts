/** The JSON Schema of hactl.yml, for editors and for `hactl config schema`. */
import {resolve} from 'node:path'

import {configFileSchema} from './schema'
import {writeTextFile} from './write-file'

/**
 * The JSON Schema (draft-07) of hactl.yml as a user writes it: titles,
 * descriptions and defaults for editors (yaml-language-server completes and
 * checks from it). Only site, app and region are required. Rules between keys
 * (maxSize above minSize, engines per app, …) are checked by hactl, not here.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {$schema: 'http://json-schema.org/draft-07/schema#', ...configFileSchema()}
}

export interface ExportConfigSchemaOptions {
  /**
   * File to write the schema to.
   * @default none: only return it
   */
  readonly output?: string
}

export interface ExportConfigSchemaResult {
  /** Absolute path written, when `output` was given. */
  readonly output?: string
  readonly schema: Record<string, unknown>
}

/** The schema, written to `output` if given (replacing it); UserError `write-failed` if that path cannot be written. */
export async function exportConfigSchema(options: ExportConfigSchemaOptions = {}): Promise<ExportConfigSchemaResult> {
  const schema = configJsonSchema()
  if (options.output === undefined) return {schema}
  const output = resolve(options.output)
  await writeTextFile(output, `${JSON.stringify(schema, null, 2)}\n`, {overwrite: true, what: 'the schema', elsewhere: 'Or pass --output <file> to write it elsewhere.'})
  return {output, schema}
}
