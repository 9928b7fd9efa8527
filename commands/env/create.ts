import {Flags} from '@oclif/core'

import {breakLockFlag, lockWaitFlag, waitFlag} from '../../src/cli/flags'
import {HactlCommand} from '../../src/cli/base-command'
import type {CreateEnvironmentResult} from '../../src/env/create'
import {renderCreateResult, renderCreatePreview} from '../../src/ui/render-env'

export default class EnvCreate extends HactlCommand<typeof EnvCreate> {
  public static description = `Creates, in parallel where AWS allows:
  - security groups for the load balancer, web instances, seed, EFS, database and cache (the data tier admits only web and seed);
  - EFS for uploads (encrypted, a mount target per AZ, an access point, backups on);
  - RDS (Multi-AZ) or an Aurora cluster with readers: encrypted, private, deletion-protected, password managed by RDS in Secrets Manager;
  - ElastiCache Redis (Multi-AZ failover, TLS, AUTH token in Secrets Manager);
  - the app's own DB user secret and the pointer parameter /hactl/<site>/site, which the seed reads at boot;
  - the IAM instance profile and service role, the EB application, a thin bundle, and the environment on the latest PHP platform on Amazon Linux 2023.

Idempotent: a re-run finds what exists (by name, creation token or client token) and creates only what is missing, so after a failure or a timeout run it again. On an existing environment it applies the option settings that differ from hactl.yml (what \`hactl plan --live\` shows) and the current bundle. Holds the site lock while it works. Until the first rollout the environment serves a holding page.

After \`hactl env destroy\` the database's final snapshot is kept: pass --restore-snapshot to bring it back, or --new-database to start empty.

An environment left Red by a passing failure (exit 11) has nothing for a plain re-run to change: --redeploy deploys its bundle again on every instance, keeping the database, cache and uploads.

Run \`hactl plan\` first to see every resource and option setting.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox --yes',
    '<%= config.bin %> <%= command.id %> --yes --wait 90 --json',
    '<%= config.bin %> <%= command.id %> --restore-snapshot hactl-demo-db-final-20261121t2359',
    '<%= config.bin %> <%= command.id %> --redeploy --yes',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    'lock-wait': lockWaitFlag,
    'new-database': Flags.boolean({
      default: false,
      description: 'Create an empty database even though a final snapshot of the old one exists.',
      exclusive: ['restore-snapshot'],
      summary: 'Start with an empty database.',
    }),
    redeploy: Flags.boolean({
      default: false,
      description: 'Deploy the current bundle again on every instance of an existing environment, even when nothing differs: the repair for an environment left Red by a passing failure. The database, cache and uploads are kept.',
      summary: 'Deploy the bundle again (repairs a Red environment).',
    }),
    'restore-snapshot': Flags.string({
      description: 'Create the database from this snapshot (a final snapshot `hactl env destroy` kept, or any snapshot of a compatible engine).',
      helpValue: '<snapshot-id>',
      summary: 'Create the database from a snapshot.',
    }),
    wait: waitFlag(60),
  }

  public static summary = 'Create the Elastic Beanstalk environment and its data tier.'

  public async run(): Promise<CreateEnvironmentResult> {
    return this.runMutation({
      confirm: async (config) => {
        if (!this.flags.yes && !this.jsonEnabled()) {
          const [{planOffline}, {buildBundle}] = await Promise.all([import('../../src/env/plan'), import('../../src/env/bundle')])
          this.log(renderCreatePreview(planOffline(config, buildBundle())))
        }
        await this.confirm(`Create the environment and data tier for ${config.site} in ${config.region}?`)
      },
      operation: 'env create',
      render: renderCreateResult,
      work: async (context) => {
        const {createEnvironment} = await import('../../src/env/create')
        return createEnvironment({...context, newDatabase: this.flags['new-database'], redeploy: this.flags.redeploy, restoreSnapshot: this.flags['restore-snapshot']})
      },
    })
  }
}
