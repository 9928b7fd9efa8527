import {Flags} from '@oclif/core'

import {breakLockFlag} from '../../src/cli/flags'
import {HactlCommand} from '../../src/cli/base-command'
import type {PruneResult} from '../../src/bake/images-list'
import {renderImagesPrune} from '../../src/ui/render-images'

export default class ImagesPrune extends HactlCommand<typeof ImagesPrune> {
  public static description = `Keeps the newest --keep available bakes (default: images.keep in hactl.yml) and deregisters the older ones, deleting their snapshots. Never removes the image the environment runs, the rollback target, the latest bake, an image the seed was launched from, one a saved configuration of the site's EB application or a launch template of the site ($Latest/$Default; tagged hactl:site, or EB's own) uses, or a bake still pending; says what it keeps and why. Bake snapshots whose image is already gone are deleted too. --dry-run changes nothing. Takes the site lock.`

  public static examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --keep 3 --yes',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    'dry-run': Flags.boolean({default: false, description: 'List what would be removed and why the rest stays; remove nothing.', summary: 'Change nothing.'}),
    keep: Flags.integer({
      description: 'How many of the newest available bakes to keep besides the protected ones. Default: images.keep in hactl.yml.',
      helpValue: '<n>',
      min: 1,
      summary: 'Newest bakes to keep.',
    }),
  }

  public static summary = 'Deregister old bakes and delete their snapshots, never one the site depends on.'

  public async run(): Promise<PruneResult> {
    const {'dry-run': dryRun, keep} = this.flags
    return this.runMutation({
      // A dry run changes nothing: no question to ask.
      confirm: async (config) => (dryRun ? undefined : this.confirm(`Deregister the bakes of ${config.site} beyond the newest ${keep ?? config.images.keep} and delete their snapshots?`)),
      operation: 'images prune',
      render: renderImagesPrune,
      async work(context) {
        const {pruneImages} = await import('../../src/bake/images-list')
        return pruneImages({...context, dryRun, keep})
      },
    })
  }
}
