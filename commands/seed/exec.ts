import {HactlCommand} from '../../src/cli/base-command'
import {waitFlag} from '../../src/cli/flags'
import type {ExecOnSeedResult} from '../../src/seed/exec'

export default class SeedExec extends HactlCommand<typeof SeedExec> {
  public static description = `Runs a shell command on the seed through SSM Run Command (AWS-RunShellScript, as root, no SSH and no open port), aimed at the seed's instance id only. Waits for the seed's SSM agent to be Online first (a fresh seed registers a minute or two after boot). Output is shown as SSM passes it on; SSM keeps only the first 24,000 characters of output and 8,000 of errors, and a warning says when output was cut.

Exits with the command's own exit code. hactl's own failures have hactl's codes: no seed or agent not Online 11, --wait ran out 7 (the command goes on on the seed). A command's own exit code can be any of these numbers too: use --json to tell them apart (its exitCode field).

One word after -- is run as a script as written (quote it to use pipes); several words are quoted and joined.`

  public static examples = [
    '<%= config.bin %> <%= command.id %> -- uptime',
    '<%= config.bin %> <%= command.id %> -- "sudo -u webapp php /opt/hactl/app/admin/cli/upgrade.php --non-interactive"',
    '<%= config.bin %> <%= command.id %> --sandbox -- echo hi',
  ]

  public static flags = {
    wait: waitFlag(60),
  }

  public static strict = false

  public static summary = 'Run a command on the seed and exit with its exit code.'

  public async run(): Promise<ExecOnSeedResult> {
    const [{argv}, {config}, aws] = await Promise.all([this.parse(SeedExec), this.loadConfig(), this.aws()])
    const {execOnSeed} = await import('../../src/seed/exec')
    const {Deadline} = await import('../../src/core/deadline')
    const json = this.jsonEnabled()
    const result = await execOnSeed({
      argv: argv as string[],
      clients: aws,
      deadline: Deadline.after(aws.clock, this.flags.wait * 60_000),
      onOutput: json ? undefined : (stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
      reporter: this.reporter,
      signal: this.interrupt.signal,
      site: config.site,
    })
    this.reporter.stop(true)
    if (result.exitCode === 0) return result
    if (json) this.logJson(result)
    return this.exit(result.exitCode)
  }
}
