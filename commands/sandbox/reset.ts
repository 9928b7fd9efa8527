import {HactlCommand} from '../../src/cli/base-command'
import {sandboxStateDir} from '../../src/cli/sandbox-context'
import {findConfigPath} from '../../src/config/load'
import {type ResetSandboxResult, resetSandboxState} from '../../src/sandbox/reset'

export default class SandboxReset extends HactlCommand<typeof SandboxReset> {
  public static description = `Deletes the sandbox's state file (.hactl/sandbox.json beside hactl.yml, or $HACTL_SANDBOX_DIR), so the next --sandbox run starts from a fresh simulated account: a default VPC, its subnets and the platform AMIs, and nothing of yours. Never touches AWS.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --config sites/demo/hactl.yml --json']

  public static summary = 'Start the embedded sandbox region afresh.'

  public async run(): Promise<ResetSandboxResult> {
    // Only where hactl.yml is, not whether it is valid: a broken file must not send the reset elsewhere.
    const configPath = findConfigPath({cwd: process.cwd(), env: process.env, explicit: this.flags.config})
    const result = resetSandboxState(sandboxStateDir({configPath}))
    this.log(result.removed ? `Sandbox reset: removed ${result.stateFile}.` : `Sandbox already fresh: no ${result.stateFile}.`)
    return result
  }
}
