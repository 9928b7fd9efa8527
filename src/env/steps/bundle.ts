import {defineStep, type Step} from '../../core/steps'
import type {Bundle} from '../bundle'
import {tagsFor} from '../spec'
import type {EnvStepOptions} from './context'

export interface BundleOutput {
  readonly bucket: string
  readonly versionLabel: string
}

/** The thin bundle in EB's storage bucket, the EB application and the version made from the bundle. */
export function bundleStep({clients, config, names, note}: EnvStepOptions, bundle: Bundle): Step<BundleOutput> {
  return defineStep({
    describe: ({versionLabel}) => versionLabel,
    id: 'env/bundle',
    async run() {
      const [eb, s3] = await Promise.all([clients.eb(), clients.s3()])
      const bucket = await eb.createStorageLocation()
      const key = names.bundleKey(bundle.versionLabel)
      if (!(await s3.objectExists(bucket, key))) {
        await s3.putObject({body: bundle.zip, bucket, contentType: 'application/zip', key})
      }

      const appCreated = await eb.createApplication({description: `hactl: ${config.app} site ${config.site}`, name: names.application, tags: tagsFor(config, 'application')})
      note('EB application', names.application, names.application, appCreated ? 'created' : 'found')
      const versionCreated = await eb.createApplicationVersion({
        application: names.application,
        bucket,
        description: `hactl bundle ${bundle.sha256.slice(0, 12)}`,
        key,
        label: bundle.versionLabel,
        tags: tagsFor(config, 'application'),
      })
      note('EB application version', bundle.versionLabel, `s3://${bucket}/${key}`, versionCreated ? 'created' : 'found')
      return {bucket, versionLabel: bundle.versionLabel}
    },
    title: 'Application bundle',
  })
}

export interface PlatformOutput {
  readonly arn: string
  readonly branch: string
  readonly version: string
}

/** The newest platform version on the configured branch. */
export function platformStep({clients, config}: EnvStepOptions): Step<PlatformOutput> {
  return defineStep({
    describe: (platform) => `${platform.branch} ${platform.version}`,
    id: 'env/platform',
    async run() {
      const eb = await clients.eb()
      return eb.latestPlatform(config.environment.platform)
    },
    title: 'Platform version',
  })
}
