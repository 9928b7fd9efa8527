import {HactlCommand} from '../../src/cli/base-command'
import {renderConfigValid, type ConfigValidateResult} from '../../src/ui/config-render'

export default class ConfigValidate extends HactlCommand<typeof ConfigValidate> {
  public static description = `Reads hactl.yml and checks every key: types, allowed values, and the rules between keys (maxSize above minSize for rolling updates, database engines the app supports, Aurora-only and RDS-only keys, thresholds, subnets in two Availability Zones). Each problem is listed with its line; the exit code is 3 if there is any.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --config sites/blog/hactl.yml --json',
  ]

  public static summary = 'Check hactl.yml and list every problem with its line.'

  public async run(): Promise<ConfigValidateResult> {
    const {config, path} = await this.loadConfig()
    const result: ConfigValidateResult = {app: config.app, path, region: config.region, site: config.site, valid: true}
    if (!this.jsonEnabled()) this.log(renderConfigValid(result))
    return result
  }
}
