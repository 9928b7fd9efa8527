import {defineStep, type Step} from '../../core/steps'
import {oneSubnetPerZone} from '../network'
import {efsPolicy, samePolicy, tagsFor, UPLOADS_POSIX_ID} from '../spec'
import {required, type EnvStepOptions} from './context'
import type {NetworkOutput} from './network'
import type {SecurityGroupIds} from './security-groups'

export interface FileSystemOutput {
  readonly efsId: string
}

export interface AccessPointOutput {
  readonly accessPointId: string
}

/** The uploads file system (encrypted, backed up), found by its creation token or created, and waited for. */
export function fileSystemStep({clients, config, names, note}: EnvStepOptions): Step<FileSystemOutput> {
  return defineStep({
    describe: ({efsId}) => efsId,
    id: 'env/efs',
    async run(_inputs, {deadline, signal, startedOperation}) {
      const efs = await clients.efs()
      const found = await efs.findFileSystem(names.efsCreationToken)
      const fs =
        found ??
        (await efs.createFileSystem({
          backup: true,
          creationToken: names.efsCreationToken,
          encrypted: true,
          tags: {...tagsFor(config, 'uploads'), Name: names.efsCreationToken},
          throughputMode: config.uploads.throughputMode,
        }))
      const efsId = required(fs.FileSystemId, 'file system id')
      note('EFS file system', names.efsCreationToken, efsId, found ? 'found' : 'created')
      if (fs.LifeCycleState !== 'available') {
        // AWS is creating it (for this run or an earlier one) and goes on if we stop waiting.
        startedOperation()
        await efs.waitForFileSystemAvailable(efsId, deadline.wait(signal))
      }
      return {efsId}
    },
    title: 'EFS file system (uploads)',
  })
}

/** A mount target in each AZ of the instance subnets, behind the EFS group. */
export function mountTargetsStep(
  {clients, note}: EnvStepOptions,
  needs: {efs: Step<FileSystemOutput>; groups: Step<SecurityGroupIds>; network: Step<NetworkOutput>},
): Step<string> {
  return defineStep({
    id: 'env/efs-mount-targets',
    needs,
    async run({efs: {efsId}, groups, network: {network}}, {deadline, signal, startedOperation}) {
      const efs = await clients.efs()
      const existing = await efs.describeMountTargets(efsId)
      const zones = new Set(existing.map((target) => target.AvailabilityZoneName))
      for (const {subnetId, zone} of oneSubnetPerZone(network)) {
        if (zones.has(zone)) continue
        startedOperation()
        const target = await efs.createMountTarget({fileSystemId: efsId, securityGroupIds: [groups.efs], subnetId})
        note('EFS mount target', zone, target.MountTargetId ?? '', 'created')
      }

      const targets = await efs.waitForMountTargetsAvailable(efsId, deadline.wait(signal))
      return `${targets.length} mount targets`
    },
    title: 'EFS mount targets',
  })
}

/** The /uploads access point the instances mount through, with the web server's POSIX identity. */
export function accessPointStep({clients, config, names, note}: EnvStepOptions, needs: {efs: Step<FileSystemOutput>}): Step<AccessPointOutput> {
  return defineStep({
    describe: ({accessPointId}) => accessPointId,
    id: 'env/efs-access-point',
    needs,
    async run({efs: {efsId}}) {
      const efs = await clients.efs()
      const points = await efs.describeAccessPoints(efsId)
      const found = points.find((point) => point.ClientToken === names.accessPointToken || point.Tags?.some((t) => t.Key === 'hactl:role' && t.Value === 'uploads'))
      const point =
        found ??
        (await efs.createAccessPoint({
          clientToken: names.accessPointToken,
          fileSystemId: efsId,
          gid: UPLOADS_POSIX_ID,
          path: '/uploads',
          permissions: '0775',
          tags: {...tagsFor(config, 'uploads'), Name: `${names.efsCreationToken}-ap`},
          uid: UPLOADS_POSIX_ID,
        }))
      const accessPointId = required(point.AccessPointId, 'access point id')
      note('EFS access point', '/uploads', accessPointId, found ? 'found' : 'created')
      return {accessPointId}
    },
    title: 'EFS access point',
  })
}

/** The file system policy: TLS and the access point required. */
export function efsPolicyStep(
  {clients, config, note}: EnvStepOptions,
  needs: {accessPoint: Step<AccessPointOutput>; efs: Step<FileSystemOutput>; network: Step<NetworkOutput>},
): Step<string> {
  return defineStep({
    id: 'env/efs-policy',
    needs,
    async run({accessPoint: {accessPointId}, efs: {efsId}, network: {account}}) {
      const efs = await clients.efs()
      const policy = efsPolicy(config, {accessPointId, account, efsId})
      const current = await efs.fileSystemPolicy(efsId)
      if (current !== undefined && samePolicy(current, policy)) return 'in place'
      await efs.putFileSystemPolicy(efsId, policy)
      note('EFS file system policy', 'TLS and the access point required', efsId, current === undefined ? 'created' : 'updated')
      return 'TLS and the access point required'
    },
    title: 'EFS file system policy',
  })
}
