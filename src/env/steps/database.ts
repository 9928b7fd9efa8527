import {defineStep, type Step, type StepContext} from '../../core/steps'
import type {Refs} from '../spec'
import {auroraInstanceInputs, dbClusterInput, dbInstanceInput, dbPort, dbTlsParameters, isAurora, tagsFor} from '../spec'
import {failIfBroken, required, type EnvStepOptions} from './context'
import type {NetworkOutput} from './network'
import type {LiveDataTier} from './preflight'
import type {SecurityGroupIds} from './security-groups'

export type DatabaseRefs = Refs['db']

export interface DatabaseOptions extends EnvStepOptions {
  /** The database as the preflight found it, so the steps need not ask again. */
  readonly live: LiveDataTier
  /** Create the database from this snapshot (checked by the preflight). */
  readonly restoreSnapshot?: string
}

/** The engine version the database runs (or is created with), and its parameter group family. */
export interface DbVersion {
  readonly family: string
  /** Exact (`8.0.40`, `8.0.mysql_aurora.3.08.0`): what CreateDBInstance/CreateDBCluster get. */
  readonly version: string
}

/**
 * The version whose family the parameter group must be: a live database's
 * own; a restored one's is the snapshot's, not hactl.yml's (RDS restores the
 * snapshot's engine version, and refuses a parameter group of another
 * family: issue 8, documentation 3); else hactl.yml's.
 */
async function versionToMatch({clients, config, live, names, restoreSnapshot}: DatabaseOptions): Promise<string | undefined> {
  const liveVersion = (isAurora(config) ? live.cluster : live.instance)?.EngineVersion
  if (liveVersion || !restoreSnapshot) return liveVersion ?? config.database.version
  const snapshots = await (await clients.rds()).listSnapshots({cluster: isAurora(config), prefix: restoreSnapshot, sourceId: names.db})
  return snapshots.find((snapshot) => snapshot.id === restoreSnapshot)?.engineVersion ?? config.database.version
}

/** TLS required, in the family of the live database's version (or the snapshot's, or the configured one). */
export function dbParameterGroupStep(options: DatabaseOptions): Step<DbVersion> {
  const {clients, config, names, note} = options
  return defineStep({
    describe: ({family, version}) => `${family} (${config.database.engine} ${version}), TLS required`,
    id: 'env/db-parameter-group',
    async run() {
      const rds = await clients.rds()
      // A live database keeps its own version: its family, not the Region's current default, is what the group must match.
      const {family, version} = await rds.engineVersion(config.database.engine, await versionToMatch(options))
      const created = await rds.ensureParameterGroup({
        cluster: isAurora(config),
        description: `hactl ${config.site}: TLS required`,
        family,
        name: names.dbParameterGroup,
        parameters: dbTlsParameters(config),
        tags: tagsFor(config, 'db'),
      })
      note(isAurora(config) ? 'DB cluster parameter group' : 'DB parameter group', names.dbParameterGroup, family, created ? 'created' : 'found')
      return {family, version}
    },
    title: 'DB parameter group (TLS required)',
  })
}

interface DatabaseNeeds {
  readonly subnetGroup: Step<void>
  readonly parameterGroup: Step<DbVersion>
  readonly groups: Step<SecurityGroupIds>
  readonly network: Step<NetworkOutput>
}

/** RDS (Multi-AZ) or an Aurora cluster with its instances: found, created or restored, then waited for. */
export function databaseStep(options: DatabaseOptions, needs: DatabaseNeeds): Step<DatabaseRefs> {
  const {config} = options
  const kind = isAurora(config)
    ? ` cluster, ${config.database.readers ?? 0} reader${config.database.readers === 1 ? '' : 's'}`
    : config.database.multiAz
      ? ', Multi-AZ'
      : ''
  return defineStep({
    describe: (db) => db.endpoint,
    id: 'env/database',
    needs,
    run: ({groups, network, parameterGroup}, context) =>
      isAurora(config) ? ensureAurora(options, groups, network.zones, parameterGroup.version, context) : ensureRdsInstance(options, groups, parameterGroup.version, context),
    title: `Database (${config.database.engine}${kind})`,
  })
}

/**
 * The database as the preflight found it, or a new one: restored from the
 * snapshot asked for, or else created. Noted either way.
 */
async function foundOrMade<R>(
  {names, note, restoreSnapshot}: DatabaseOptions,
  kind: string,
  live: R | undefined,
  startedOperation: StepContext['startedOperation'],
  make: {create(): Promise<R>; restore(snapshot: string): Promise<R>},
): Promise<R> {
  const id = names.db
  if (live) {
    note(kind, id, id, 'found')
    return live
  }

  startedOperation()
  const made = restoreSnapshot ? await make.restore(restoreSnapshot) : await make.create()
  note(kind, restoreSnapshot ? `${id} (restored from ${restoreSnapshot})` : id, id, 'created')
  return made
}

async function ensureRdsInstance(options: DatabaseOptions, securityGroups: SecurityGroupIds, version: string, {deadline, signal, startedOperation}: StepContext): Promise<DatabaseRefs> {
  const rds = await options.clients.rds()
  const {config, names} = options
  const id = names.db
  const input = dbInstanceInput(config, {securityGroups}, version)
  let instance = await foundOrMade(options, 'RDS instance', options.live.instance, startedOperation, {
    create: () => rds.createInstance(input),
    restore: (snapshot) =>
      rds.restoreInstanceFromSnapshot({
        AutoMinorVersionUpgrade: input.AutoMinorVersionUpgrade,
        CopyTagsToSnapshot: true,
        DBInstanceClass: input.DBInstanceClass,
        DBInstanceIdentifier: id,
        DBParameterGroupName: input.DBParameterGroupName,
        DBSnapshotIdentifier: snapshot,
        DBSubnetGroupName: input.DBSubnetGroupName,
        DeletionProtection: true,
        MultiAZ: input.MultiAZ,
        PubliclyAccessible: false,
        Tags: input.Tags,
        VpcSecurityGroupIds: input.VpcSecurityGroupIds,
      }),
  })

  failIfBroken(`database ${id}`, instance.DBInstanceStatus)
  if (instance.DBInstanceStatus !== 'available') {
    startedOperation()
    instance = await rds.waitForInstanceAvailable(id, deadline.wait(signal))
  }

  // A restore keeps the snapshot's password and no managed secret (RDS takes the flag on restore for Oracle only).
  if (!instance.MasterUserSecret?.SecretArn) {
    startedOperation()
    await rds.manageMasterUserPassword(id, false)
    // The secret exists only once the modification is through; EB's instances read it at boot.
    instance = await rds.waitForInstanceAvailable(id, deadline.wait(signal))
  }

  return {
    endpoint: required(instance.Endpoint?.Address, `endpoint of ${id}`),
    port: instance.Endpoint?.Port ?? dbPort(config),
    secretArn: required(instance.MasterUserSecret?.SecretArn, `master user secret of ${id}`),
  }
}

async function ensureAurora(
  options: DatabaseOptions,
  securityGroups: SecurityGroupIds,
  zones: readonly string[],
  version: string,
  {deadline, signal, startedOperation}: StepContext,
): Promise<DatabaseRefs> {
  const rds = await options.clients.rds()
  const {config, names, note} = options
  const id = names.db
  const input = dbClusterInput(config, {securityGroups}, version)
  const cluster = await foundOrMade(options, 'Aurora cluster', options.live.cluster, startedOperation, {
    create: () => rds.createCluster(input),
    restore: (snapshot) =>
      rds.restoreClusterFromSnapshot({
        CopyTagsToSnapshot: true,
        DBClusterIdentifier: id,
        DBClusterParameterGroupName: input.DBClusterParameterGroupName,
        DBSubnetGroupName: input.DBSubnetGroupName,
        DeletionProtection: true,
        Engine: input.Engine,
        SnapshotIdentifier: snapshot,
        Tags: input.Tags,
        VpcSecurityGroupIds: input.VpcSecurityGroupIds,
      }),
  })

  failIfBroken(`database cluster ${id}`, cluster.Status)
  // Instances can be added while the cluster is still creating: AWS builds them side by side.
  const instances = auroraInstanceInputs(config, zones)
  const existing = new Set((await rds.describeClusterInstances(id)).map((instance) => instance.DBInstanceIdentifier))
  for (const input of instances) {
    const instanceId = input.DBInstanceIdentifier ?? ''
    if (existing.has(instanceId)) {
      note('Aurora instance', instanceId, instanceId, 'found')
      continue
    }

    startedOperation()
    await rds.createInstance(input)
    note('Aurora instance', `${instanceId} (${input.AvailabilityZone ?? 'any AZ'})`, instanceId, 'created')
  }

  if (cluster.Status !== 'available') startedOperation()
  let [ready] = await Promise.all([
    cluster.Status === 'available' ? cluster : rds.waitForClusterAvailable(id, deadline.wait(signal)),
    ...instances.map((input) => rds.waitForInstanceAvailable(input.DBInstanceIdentifier ?? '', deadline.wait(signal))),
  ])
  // RestoreDBClusterFromSnapshot takes no ManageMasterUserPassword: turn it on afterwards.
  if (!ready.MasterUserSecret?.SecretArn) {
    startedOperation()
    await rds.manageMasterUserPassword(id, true)
    ready = await rds.waitForClusterAvailable(id, deadline.wait(signal))
  }

  return {
    endpoint: required(ready.Endpoint, `endpoint of ${id}`),
    port: ready.Port ?? dbPort(config),
    readerEndpoint: ready.ReaderEndpoint,
    secretArn: required(ready.MasterUserSecret?.SecretArn, `master user secret of ${id}`),
  }
}
