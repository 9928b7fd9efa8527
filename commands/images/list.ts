import {HactlCommand} from '../../src/cli/base-command'
import type {ImagesListResult} from '../../src/bake/images-list'
import {renderImagesList} from '../../src/ui/render-images'

export default class ImagesList extends HactlCommand<typeof ImagesList> {
  public static description = `Lists the AMIs \`hactl bake\` made for this site (found by their tags hactl:site and hactl:role=bake), newest first: age, size, the change marker baked, whether it was forced, the staging run that tested it, the AMI it was baked on (lineage), and its status — live (the environment's ImageId), previous (the rollback target), latest (the newest bake), else retired — and whether the seed was launched from it. Takes no lock.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --sandbox --json']

  public static summary = 'List the site\'s baked AMIs: live, previous, latest, retired.'

  public async run(): Promise<ImagesListResult> {
    return this.runRead({
      async read(context) {
        const {listImages} = await import('../../src/bake/images-list')
        return listImages(context)
      },
      render: renderImagesList,
    })
  }
}
