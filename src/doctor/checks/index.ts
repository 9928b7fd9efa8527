/**
 * The checks doctor runs, in the order it reports them. Adding a check is
 * one module under checks/ and one line here; the loader reads the facts the
 * listed checks need, and nothing else.
 */
import {amisPrivate} from './amis'
import {seedDrift, webDrift} from './drift'
import {dbDeletionProtection, dbMultiAz, dbNotPublic, dbTls} from './database'
import {efsBackups, efsMountTargets, efsPolicy} from './efs'
import {cacheEncrypted, dbEncrypted, efsEncrypted} from './encryption'
import {https} from './https'
import {imageInstancesLive, imageLiveBake, imageRollbackTarget, imagesNotShared, imageSnapshotsEncrypted} from './images'
import {imdsv2} from './imds'
import {vpcDns, vpcEgress} from './network'
import {noPlaintextSecrets} from './secrets'
import {rolloutCapacity} from './rollout-capacity'
import {securityGroups} from './security-groups'
import {seedCron, seedMetadata, seedNoInbound, seedSecrets, seedSingle} from './seed'
import {stagingLastRun, stagingSchedule} from './staging'

export const CHECKS = [
  imdsv2,
  efsEncrypted,
  efsPolicy,
  dbEncrypted,
  dbTls,
  cacheEncrypted,
  securityGroups,
  dbMultiAz,
  dbNotPublic,
  dbDeletionProtection,
  efsMountTargets,
  efsBackups,
  rolloutCapacity,
  noPlaintextSecrets,
  amisPrivate,
  imageSnapshotsEncrypted, imagesNotShared, imageLiveBake, imageInstancesLive, imageRollbackTarget,
  vpcDns,
  vpcEgress,
  https,
  seedSingle, seedMetadata, seedNoInbound, seedSecrets, seedCron,
  stagingSchedule, stagingLastRun,
  webDrift, seedDrift,
] as const

export type CheckId = (typeof CHECKS)[number]['id']
