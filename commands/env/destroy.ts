import {Flags} from '@oclif/core'

import {breakLockFlag, lockWaitFlag, waitFlag} from '../../src/cli/flags'
import {HactlCommand} from '../../src/cli/base-command'
import type {DestroyEnvironmentResult} from '../../src/env/destroy'
import {renderDestroyResult} from '../../src/ui/render-env'

export default class EnvDestroy extends HactlCommand<typeof EnvDestroy> {
  public static description = `Terminates the environment and deletes the cache. The data stays unless you pass --delete-data:
  - the database is deleted after a final snapshot (kept, restorable);
  - the EFS file system with the uploads, its security groups and the secrets are kept;
  - the IAM roles are kept (they are free, and the seed uses the instance role).
With --delete-data everything hactl made for the site is deleted, the database without a final snapshot.

Asks you to type the site name (or pass --yes). Reports what it deleted and what it kept.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox --yes',
    '<%= config.bin %> <%= command.id %> --delete-data',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    'lock-wait': lockWaitFlag,
    'delete-data': Flags.boolean({
      default: false,
      description: 'Also delete the uploads (EFS), the secrets and the database without a final snapshot. Cannot be undone.',
      summary: 'Delete the data too.',
    }),
    wait: waitFlag(60),
  }

  public static summary = 'Take the environment down, keeping the data.'

  public async run(): Promise<DestroyEnvironmentResult> {
    const deleteData = this.flags['delete-data']
    return this.runMutation({
      confirm: async (config) => {
        const what = deleteData ? 'EVERYTHING, uploads and database included (no snapshot)' : 'the environment, cache and database (after a final snapshot); uploads and secrets are kept'
        await this.confirmTyped(`This deletes ${what} of ${config.site} in ${config.region}. Type the site name to go on:`, config.site)
      },
      operation: 'env destroy',
      render: renderDestroyResult,
      async work(context) {
        const {destroyEnvironment} = await import('../../src/env/destroy')
        return destroyEnvironment({...context, deleteData})
      },
    })
  }
}
