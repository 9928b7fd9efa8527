import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import type {TunnelPlan} from '../../src/seed/tunnel'
import {renderTunnelPlan} from '../../src/ui/render-seed'

export default class SeedTunnel extends HactlCommand<typeof SeedTunnel> {
  public static description = `Opens an SSM port-forwarding session from a port on your machine to the seed's web server (port 80), so you reach the seed's site and admin pages at http://localhost:<port>/ without any open port or SSH. It runs the AWS CLI's \`aws ssm start-session\` with the Session Manager plugin; both must be installed. Ctrl-C closes the tunnel.

Exit codes: no seed, or the AWS CLI or the Session Manager plugin missing, 11 (the message gives the command to run by hand); otherwise the session's own exit code. With --sandbox there is no instance to connect to: it prints the command it would run and exits 0. With --json it prints the command (argv) and runs nothing, for scripts that run it themselves.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --local-port 8443', '<%= config.bin %> <%= command.id %> --sandbox']

  public static flags = {
    'local-port': Flags.integer({default: 8080, description: 'Port on this machine that forwards to port 80 on the seed.', max: 65_535, min: 1024, summary: 'Local port.'}),
  }

  public static summary = 'Reach the seed\'s site from your machine through an SSM tunnel.'

  public async run(): Promise<TunnelPlan> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const {checkTunnelTools, planTunnel, systemRunner} = await import('../../src/seed/tunnel')
    const plan = await planTunnel({clients: aws, localPort: this.flags['local-port'], profile: this.flags.profile, site: config.site})
    if (aws.isSandbox || this.jsonEnabled()) {
      // The sandbox has no instance to reach; --json is for scripts, which run the command themselves.
      if (!this.jsonEnabled()) this.log(renderTunnelPlan(plan, {sandbox: true}))
      return plan
    }

    checkTunnelTools(plan, systemRunner)
    this.log(renderTunnelPlan(plan, {sandbox: false}))
    const code = await systemRunner.run(plan.argv, this.interrupt.signal)
    if (code !== 0) this.exit(code)
    return plan
  }
}
