import {HactlCommand} from '../src/cli/base-command'
import {checksFailedError, type DoctorResult, runDoctor} from '../src/doctor/run'
import {renderDoctor} from '../src/ui/render-doctor'

export default class Doctor extends HactlCommand<typeof Doctor> {
  public static description = `Reads the site's resources from AWS (changing nothing) and checks the invariants the site relies on: IMDSv2 required; EFS, database and cache encrypted; the database refusing connections without TLS (its parameter group); an EFS policy that denies mounts without TLS or outside the access point; Redis with TLS required and AUTH on; security groups (every group attached to the instances, database, cache and mount targets, not only hactl's own) that open only the load balancer's listener to the world, no SSH port, and a data tier that admits only the web and seed groups, each resource carrying its own hactl group; a Multi-AZ database (or an Aurora reader in another Availability Zone than the writer) with deletion protection and no public access; an EFS mount target in every Availability Zone of the site and backups on; rolling updates that keep the minimum in service; no secret in plain text in environment properties; private AMIs with encrypted snapshots; the live AMI a bake of the site (after the first rollout), every web instance on it, and the rollback target available. Drift: each web node's code is the live bake's (\`staging-run --marker\` on every web node and the seed in one SSM Run Command, read-only there, bounded to 90 s: a node changed by hand loses that change at the next scale event), and the seed runs the live image's app version.

Each check passes, fails or is skipped (its resource does not exist yet); a failure names the resource and says how to fix it. Exits 9 when any check fails; with --json the checks are then in error.data.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
    '<%= config.bin %> <%= command.id %> --profile prod-admin --region eu-west-1',
  ]

  public static summary = 'Check the live site against hactl\'s security and availability invariants.'

  public async run(): Promise<DoctorResult> {
    const [aws, {config}] = await Promise.all([this.aws(), this.loadConfig()])
    const result = await runDoctor({clients: aws, config, reporter: this.reporter})
    this.reporter.stop(true)
    if (!this.jsonEnabled()) this.log(renderDoctor(result, {color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR}))
    if (result.failed > 0) throw checksFailedError(result)
    return result
  }
}
