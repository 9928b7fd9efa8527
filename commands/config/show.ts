import {HactlCommand} from '../../src/cli/base-command'
import type {LoadedConfig} from '../../src/config/load'
import {renderConfigShow} from '../../src/ui/config-render'

export default class ConfigShow extends HactlCommand<typeof ConfigShow> {
  public static description = `Prints hactl.yml as hactl reads it: every default filled in (defaults depend on the app), as YAML, or as JSON with --json. Also shows which file was used (--config, HACTL_CONFIG, or the nearest hactl.yml in this or a parent directory).`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --config sites/blog/hactl.yml',
  ]

  public static summary = 'Show the config with every default applied.'

  public async run(): Promise<LoadedConfig> {
    const loaded = await this.loadConfig()
    if (!this.jsonEnabled()) this.log(renderConfigShow(loaded))
    return loaded
  }
}
