/**
 * A "bake" without `hactl bake`: the sandbox's EC2 CreateImage from an
 * instance, tagged as `hactl bake` tags its images (BAKE_TAGS), and the
 * latest-bake pointer written by hand. For rollout, rollback and images tests.
 */
import {join} from 'node:path'

import {AwsClients} from '../../src/aws/clients'
import {BAKE_ROLE, BAKE_TAGS, latestBakeParameterName, type BakeRecord} from '../../src/bake/record'
import {Deadline} from '../../src/core/deadline'
import {openSandbox} from '../../src/sandbox'
import {siteNames} from '../../src/site/names'
import type {Project} from './cli'

export function sandboxClients(project: Project, region = 'eu-west-1'): AwsClients {
  return new AwsClients({sandbox: openSandbox({region, speed: 100_000, stateDir: join(project.dir, '.hactl')}), version: 'test'})
}

export interface FakeBakeOptions {
  readonly site?: string
  readonly region?: string
  /** Tags to override or add (e.g. another site, another platform ARN). */
  readonly tags?: Readonly<Record<string, string>>
  /** Image from this instance instead of one of the environment's. */
  readonly instanceId?: string
  /** Write /hactl/<site>/bake/latest. @default true */
  readonly pointer?: boolean
}

let counter = 0

/** Makes an available image tagged as a bake of the site; returns its id. */
export async function fakeBake(project: Project, options: FakeBakeOptions = {}): Promise<string> {
  const site = options.site ?? 'demo'
  const region = options.region ?? 'eu-west-1'
  const clients = sandboxClients(project, region)
  const [eb, ec2, ssm] = await Promise.all([clients.eb(), clients.ec2(), clients.ssm()])
  const name = siteNames(site, region).environment
  const env = await eb.describeEnvironment(name)
  const instanceId = options.instanceId ?? (await eb.environmentResources(name)).instanceIds[0]
  counter += 1
  const runId = `test-bake-${Date.now()}-${counter}`
  const tags = {
    [BAKE_TAGS.site]: site,
    [BAKE_TAGS.role]: BAKE_ROLE,
    [BAKE_TAGS.runId]: runId,
    [BAKE_TAGS.platformArn]: env?.PlatformArn ?? '',
    [BAKE_TAGS.marker]: 'sha256:test',
    ...options.tags,
  }
  const imageId = await ec2.createImage({instanceId, name: `hactl-${site}-${runId}`, noReboot: true, tags})
  await ec2.waitForImageAvailable(imageId, Deadline.after(clients.clock, 60 * 60_000).wait())
  if (options.pointer ?? true) {
    const record: BakeRecord = {
      appVersion: 'test', at: new Date(clients.clock.now()).toISOString(), forced: false, hactlVersion: 'test', imageId, marker: 'sha256:test', name: `hactl-${site}-${runId}`,
      platformArn: tags[BAKE_TAGS.platformArn], runId, seedInstance: instanceId, sourceImage: '', stagingRun: '',
    }
    await ssm.putParameter({name: latestBakeParameterName(site), overwrite: true, value: JSON.stringify(record)})
  }

  return imageId
}
