import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import {exportConfigSchema, type ExportConfigSchemaResult} from '../../src/config'

export default class ConfigSchema extends HactlCommand<typeof ConfigSchema> {
  public static description = `The JSON Schema of hactl.yml: every key with its description, allowed values and default. Editors use it to complete and check the file; with yaml-language-server (e.g. the VS Code YAML extension), write it next to hactl.yml and make this the first line of hactl.yml:

  # yaml-language-server: $schema=./hactl.schema.json

Rules between keys (maxSize above minSize, engines an app supports, …) are checked by \`hactl config validate\`, not by the schema.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --output hactl.schema.json',
  ]

  public static flags = {
    output: Flags.string({
      char: 'o',
      description: 'Write the schema to this file instead of printing it.',
      helpValue: '<file>',
    }),
  }

  public static summary = 'Print the JSON Schema of hactl.yml, for editors.'

  public async run(): Promise<ExportConfigSchemaResult> {
    const result = await exportConfigSchema({output: this.flags.output})
    if (!this.jsonEnabled()) this.log(result.output ? `Wrote the hactl.yml schema to ${result.output}` : JSON.stringify(result.schema, null, 2))
    return result
  }
}
