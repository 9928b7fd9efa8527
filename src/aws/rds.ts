/** The RDS calls hactl makes: the DB subnet group, an RDS instance or an Aurora cluster and its instances. */
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  type CreateDBClusterCommandInput,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  CreateDBParameterGroupCommand,
  CreateDBSubnetGroupCommand,
  type DBCluster,
  type DBInstance,
  type DBSubnetGroup,
  DeleteDBClusterCommand,
  DeleteDBClusterParameterGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBParameterGroupCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
  ModifyDBClusterCommand,
  ModifyDBClusterParameterGroupCommand,
  ModifyDBInstanceCommand,
  ModifyDBParameterGroupCommand,
  type Parameter,
  type RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  type RestoreDBClusterFromSnapshotCommandInput,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
  paginateDescribeDBClusterParameters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBEngineVersions,
  paginateDescribeDBInstances,
  paginateDescribeDBParameters,
  paginateDescribeDBSnapshots,
  paginateDescribeOrderableDBInstanceOptions,
  waitUntilDBClusterAvailable,
  waitUntilDBClusterDeleted,
  waitUntilDBInstanceAvailable,
  waitUntilDBInstanceDeleted,
} from '@aws-sdk/client-rds'

import {UserError} from '../core/errors'
import type {ApiContext, Tags, WaitControl} from './types'
import {awsCall} from './errors'
import {lifecycleWaits, statesIn, tagList, unlessNotFound, waiterPacing} from './resource-calls'

export interface RdsApi {
  /** The group, or undefined (DBSubnetGroupNotFoundFault). */
  describeSubnetGroup(name: string): Promise<DBSubnetGroup | undefined>
  createSubnetGroup(input: {name: string; description: string; subnetIds: readonly string[]; tags: Tags}): Promise<DBSubnetGroup>
  /** Deletes the group; one that is already gone counts as deleted, so a destroy can be re-run. */
  deleteSubnetGroup(name: string): Promise<void>
  /** The instance, or undefined (DBInstanceNotFound). */
  describeInstance(id: string): Promise<DBInstance | undefined>
  /** Instances of an Aurora cluster. */
  describeClusterInstances(clusterId: string): Promise<DBInstance[]>
  createInstance(input: CreateDBInstanceCommandInput): Promise<DBInstance>
  /** The cluster, or undefined (DBClusterNotFoundFault). */
  describeCluster(id: string): Promise<DBCluster | undefined>
  createCluster(input: CreateDBClusterCommandInput): Promise<DBCluster>
  /** Turns deletion protection off (before a delete) or on. */
  setInstanceDeletionProtection(id: string, on: boolean): Promise<void>
  setClusterDeletionProtection(id: string, on: boolean): Promise<void>
  /** Deletes an instance, with a final snapshot unless finalSnapshotId is undefined (then SkipFinalSnapshot). */
  deleteInstance(id: string, finalSnapshotId: string | undefined): Promise<void>
  deleteCluster(id: string, finalSnapshotId: string | undefined): Promise<void>
  /** waitUntilDBInstanceAvailable. */
  waitForInstanceAvailable(id: string, wait: WaitControl): Promise<DBInstance>
  waitForClusterAvailable(id: string, wait: WaitControl): Promise<DBCluster>
  waitForInstanceDeleted(id: string, wait: WaitControl): Promise<void>
  waitForClusterDeleted(id: string, wait: WaitControl): Promise<void>
  /**
   * The version a create would use and its parameter group family
   * (DescribeDBEngineVersions; DefaultOnly when no version is given):
   * {version: '8.0.40', family: 'mysql8.0'}. UserError when the engine has no such version.
   */
  engineVersion(engine: string, version?: string): Promise<{version: string; family: string}>
  /**
   * Makes sure a DB parameter group (cluster: a DB cluster parameter group) of
   * that family exists with these parameter values, creating it or modifying
   * the parameters that differ (ApplyMethod pending-reboot for static ones,
   * immediate for dynamic ones, as RDS requires). Returns true if it created the group.
   */
  ensureParameterGroup(input: {name: string; family: string; cluster: boolean; description: string; parameters: Readonly<Record<string, string>>; tags: Tags}): Promise<boolean>
  /** Deletes a (cluster) parameter group; one already gone counts as deleted. */
  deleteParameterGroup(name: string, cluster: boolean): Promise<void>
  /** Whether the (cluster) parameter group exists. */
  parameterGroupExists(name: string, cluster: boolean): Promise<boolean>
  /** Current values of some parameters of a (cluster) parameter group; undefined for a parameter not set. */
  parameterValues(name: string, cluster: boolean, parameterNames: readonly string[]): Promise<Record<string, string | undefined>>
  /** Manual snapshots of an instance (cluster: of a cluster) whose id starts with `prefix`, newest first. */
  listSnapshots(input: {sourceId: string; cluster: boolean; prefix: string; /** Automated ones too (no SnapshotType). @default false: manual only */ automated?: boolean}): Promise<Array<{id: string; status: string; createdAt?: Date; engineVersion?: string}>>
  /** RestoreDBInstanceFromDBSnapshot. */
  restoreInstanceFromSnapshot(input: RestoreDBInstanceFromDBSnapshotCommandInput): Promise<DBInstance>
  /** RestoreDBClusterFromSnapshot (the cluster's instances are then created with createInstance). */
  restoreClusterFromSnapshot(input: RestoreDBClusterFromSnapshotCommandInput): Promise<DBCluster>
  /**
   * Has RDS manage the master password in Secrets Manager (ModifyDBInstance /
   * ModifyDBCluster ManageMasterUserPassword, at once). A restored instance or
   * cluster has no MasterUserSecret: RestoreDBInstanceFromDBSnapshot takes
   * ManageMasterUserPassword for RDS for Oracle only and
   * RestoreDBClusterFromSnapshot not at all, so this follows the restore once
   * the database is available. The database as modified.
   */
  manageMasterUserPassword(id: string, cluster: boolean): Promise<DBInstance | DBCluster>
  /**
   * The AZs where RDS sells this instance class for this exact engine
   * version (DescribeOrderableDBInstanceOptions); empty when it is not sold
   * at all: a class RDS would refuse at create time.
   */
  orderableZones(input: {engine: string; version: string; instanceClass: string}): Promise<string[]>
}

/** RDS's own waiter model polls every 30 s. */
const RDS_WAITER_DELAY_SECONDS = 30

/** The SDK's names for "no such instance / cluster / group" (the exception class names, not the wire codes). */
const INSTANCE_NOT_FOUND = 'DBInstanceNotFoundFault'
const CLUSTER_NOT_FOUND = 'DBClusterNotFoundFault'
const SUBNET_GROUP_NOT_FOUND = 'DBSubnetGroupNotFoundFault'
/** DescribeDBParameterGroups and DescribeDBClusterParameterGroups both say this. */
const PARAMETER_GROUP_NOT_FOUND = 'DBParameterGroupNotFoundFault'

/** ModifyDB(Cluster)ParameterGroup takes at most 20 parameters a call. */
const MAX_PARAMETERS_PER_MODIFY = 20

/** The group's family, or undefined when there is no group of that name. */
interface GroupFacts {
  readonly family: string | undefined
}

/** "hactl-demo-db creating", for wait progress. */
const instanceStates = statesIn<DBInstance>('DBInstances', (instance) => [instance.DBInstanceIdentifier, instance.DBInstanceStatus])
const clusterStates = statesIn<DBCluster>('DBClusters', (cluster) => [cluster.DBClusterIdentifier, cluster.Status])

export function createRdsApi(client: RDSClient, context: ApiContext): RdsApi {
  async function getInstance(id: string): Promise<DBInstance | undefined> {
    const out = await awsCall('rds:DescribeDBInstances', () => client.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: id})))
    return out.DBInstances?.[0]
  }

  async function getCluster(id: string): Promise<DBCluster | undefined> {
    const out = await awsCall('rds:DescribeDBClusters', () => client.send(new DescribeDBClustersCommand({DBClusterIdentifier: id})))
    return out.DBClusters?.[0]
  }

  const pacing = (wait: WaitControl) => waiterPacing(client, context, RDS_WAITER_DELAY_SECONDS, wait)
  const clusterWaits = lifecycleWaits({what: 'DB cluster', input: (id) => ({DBClusterIdentifier: id}), describe: clusterStates, untilAvailable: waitUntilDBClusterAvailable, untilDeleted: waitUntilDBClusterDeleted, notFound: CLUSTER_NOT_FOUND}, pacing)
  const instanceWaits = lifecycleWaits({what: 'DB instance', input: (id) => ({DBInstanceIdentifier: id}), describe: instanceStates, untilAvailable: waitUntilDBInstanceAvailable, untilDeleted: waitUntilDBInstanceDeleted, notFound: INSTANCE_NOT_FOUND}, pacing)

  /** All engine versions DescribeDBEngineVersions gives for these criteria, every page. */
  async function engineVersions(engine: string, version: string | undefined, defaultOnly: boolean) {
    return awsCall('rds:DescribeDBEngineVersions', async () => {
      const found = []
      const pages = paginateDescribeDBEngineVersions({client}, {DefaultOnly: defaultOnly || undefined, Engine: engine, EngineVersion: version})
      for await (const page of pages) found.push(...(page.DBEngineVersions ?? []))
      return found
    })
  }

  async function describeGroup(name: string, cluster: boolean): Promise<GroupFacts | undefined> {
    if (cluster) {
      const out = await unlessNotFound('rds:DescribeDBClusterParameterGroups', PARAMETER_GROUP_NOT_FOUND, () =>
        client.send(new DescribeDBClusterParameterGroupsCommand({DBClusterParameterGroupName: name})),
      )
      const group = out?.DBClusterParameterGroups?.[0]
      return group && {family: group.DBParameterGroupFamily}
    }

    const out = await unlessNotFound('rds:DescribeDBParameterGroups', PARAMETER_GROUP_NOT_FOUND, () =>
      client.send(new DescribeDBParameterGroupsCommand({DBParameterGroupName: name})),
    )
    const group = out?.DBParameterGroups?.[0]
    return group && {family: group.DBParameterGroupFamily}
  }

  async function createGroup(input: {name: string; family: string; cluster: boolean; description: string; tags: Tags}): Promise<void> {
    const common = {DBParameterGroupFamily: input.family, Description: input.description, Tags: tagList(input.tags)}
    await (input.cluster
      ? awsCall('rds:CreateDBClusterParameterGroup', () =>
          client.send(new CreateDBClusterParameterGroupCommand({...common, DBClusterParameterGroupName: input.name})),
        )
      : awsCall('rds:CreateDBParameterGroup', () => client.send(new CreateDBParameterGroupCommand({...common, DBParameterGroupName: input.name}))))
  }

  /** Every parameter of the group, all pages: Source 'user' would leave out the ones still at the family's default. */
  async function parametersOf(name: string, cluster: boolean): Promise<Map<string, Parameter>> {
    const operation = cluster ? 'rds:DescribeDBClusterParameters' : 'rds:DescribeDBParameters'
    return awsCall(operation, async () => {
      const found = new Map<string, Parameter>()
      const pages = cluster
        ? paginateDescribeDBClusterParameters({client}, {DBClusterParameterGroupName: name})
        : paginateDescribeDBParameters({client}, {DBParameterGroupName: name})
      for await (const page of pages) for (const parameter of page.Parameters ?? []) found.set(parameter.ParameterName ?? '', parameter)
      return found
    })
  }

  async function modifyGroup(name: string, cluster: boolean, parameters: Parameter[]): Promise<void> {
    for (let start = 0; start < parameters.length; start += MAX_PARAMETERS_PER_MODIFY) {
      const Parameters = parameters.slice(start, start + MAX_PARAMETERS_PER_MODIFY)
      await (cluster
        ? awsCall('rds:ModifyDBClusterParameterGroup', () =>
            client.send(new ModifyDBClusterParameterGroupCommand({DBClusterParameterGroupName: name, Parameters})),
          )
        : awsCall('rds:ModifyDBParameterGroup', () => client.send(new ModifyDBParameterGroupCommand({DBParameterGroupName: name, Parameters}))))
    }
  }

  async function manualSnapshots(sourceId: string, cluster: boolean, automated = false): Promise<Array<{id: string; status: string; createdAt?: Date; engineVersion?: string}>> {
    if (cluster) {
      return awsCall('rds:DescribeDBClusterSnapshots', async () => {
        const found = []
        const pages = paginateDescribeDBClusterSnapshots({client}, {DBClusterIdentifier: sourceId, SnapshotType: automated ? undefined : 'manual'})
        for await (const page of pages) {
          for (const snapshot of page.DBClusterSnapshots ?? []) {
            found.push({createdAt: snapshot.SnapshotCreateTime, engineVersion: snapshot.EngineVersion, id: snapshot.DBClusterSnapshotIdentifier ?? '', status: snapshot.Status ?? ''})
          }
        }

        return found
      })
    }

    return awsCall('rds:DescribeDBSnapshots', async () => {
      const found = []
      const pages = paginateDescribeDBSnapshots({client}, {DBInstanceIdentifier: sourceId, SnapshotType: automated ? undefined : 'manual'})
      for await (const page of pages) {
        for (const snapshot of page.DBSnapshots ?? []) {
          found.push({createdAt: snapshot.SnapshotCreateTime, engineVersion: snapshot.EngineVersion, id: snapshot.DBSnapshotIdentifier ?? '', status: snapshot.Status ?? ''})
        }
      }

      return found
    })
  }

  return {
    async orderableZones(input) {
      return awsCall('rds:DescribeOrderableDBInstanceOptions', async () => {
        const zones = new Set<string>()
        const pages = paginateDescribeOrderableDBInstanceOptions({client}, {DBInstanceClass: input.instanceClass, Engine: input.engine, EngineVersion: input.version, Vpc: true})
        for await (const page of pages) {
          for (const option of page.OrderableDBInstanceOptions ?? []) for (const zone of option.AvailabilityZones ?? []) zones.add(zone.Name ?? '')
        }

        return [...zones].filter(Boolean).sort()
      })
    },

    async engineVersion(engine, version) {
      // An exact version is answered as such; a major version ("8.0") or none by RDS's default for it.
      const exact = version === undefined ? undefined : (await engineVersions(engine, version, false)).find((found) => found.EngineVersion === version)
      const chosen = exact ?? (await engineVersions(engine, version, true))[0]
      if (!chosen?.EngineVersion || !chosen.DBParameterGroupFamily) throw noSuchVersion(engine, version)
      return {family: chosen.DBParameterGroupFamily, version: chosen.EngineVersion}
    },

    async ensureParameterGroup(input) {
      const existing = await describeGroup(input.name, input.cluster)
      if (existing && existing.family !== input.family) throw otherFamily(input.name, input.cluster, existing.family, input.family)
      if (!existing) await createGroup(input)
      const current = await parametersOf(input.name, input.cluster)
      const changes = Object.entries(input.parameters)
        .filter(([name, value]) => current.get(name)?.ParameterValue !== value)
        .map(([name, value]): Parameter => ({
          // RDS refuses `immediate` for a static parameter; a dynamic one takes effect at once.
          ApplyMethod: current.get(name)?.ApplyType === 'dynamic' ? 'immediate' : 'pending-reboot',
          ParameterName: name,
          ParameterValue: value,
        }))
      if (changes.length > 0) await modifyGroup(input.name, input.cluster, changes)
      return !existing
    },

    async listSnapshots(input) {
      const prefix = input.prefix.toLowerCase()
      // Without SnapshotType both manual and automated snapshots come back (shared and public ones do not).
      const snapshots = await manualSnapshots(input.sourceId, input.cluster, input.automated)
      return snapshots
        .filter((snapshot) => snapshot.id.toLowerCase().startsWith(prefix))
        .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    },

    async deleteParameterGroup(name, cluster) {
      await unlessNotFound(cluster ? 'rds:DeleteDBClusterParameterGroup' : 'rds:DeleteDBParameterGroup', PARAMETER_GROUP_NOT_FOUND, () =>
        cluster
          ? client.send(new DeleteDBClusterParameterGroupCommand({DBClusterParameterGroupName: name}))
          : client.send(new DeleteDBParameterGroupCommand({DBParameterGroupName: name})),
      )
    },

    async parameterGroupExists(name, cluster) {
      return (await describeGroup(name, cluster)) !== undefined
    },

    async manageMasterUserPassword(id, cluster) {
      if (cluster) {
        const out = await awsCall('rds:ModifyDBCluster', () =>
          client.send(new ModifyDBClusterCommand({ApplyImmediately: true, DBClusterIdentifier: id, ManageMasterUserPassword: true})),
        )
        return out.DBCluster ?? {}
      }

      const out = await awsCall('rds:ModifyDBInstance', () =>
        client.send(new ModifyDBInstanceCommand({ApplyImmediately: true, DBInstanceIdentifier: id, ManageMasterUserPassword: true})),
      )
      return out.DBInstance ?? {}
    },

    async parameterValues(name, cluster, parameterNames) {
      const current = await parametersOf(name, cluster)
      return Object.fromEntries(parameterNames.map((parameterName) => [parameterName, current.get(parameterName)?.ParameterValue]))
    },

    async restoreClusterFromSnapshot(input) {
      const out = await awsCall('rds:RestoreDBClusterFromSnapshot', () => client.send(new RestoreDBClusterFromSnapshotCommand(input)))
      return out.DBCluster ?? {}
    },

    async restoreInstanceFromSnapshot(input) {
      const out = await awsCall('rds:RestoreDBInstanceFromDBSnapshot', () => client.send(new RestoreDBInstanceFromDBSnapshotCommand(input)))
      return out.DBInstance ?? {}
    },

    async createCluster(input) {
      const out = await awsCall('rds:CreateDBCluster', () => client.send(new CreateDBClusterCommand(input)))
      return out.DBCluster ?? {}
    },

    async createInstance(input) {
      const out = await awsCall('rds:CreateDBInstance', () => client.send(new CreateDBInstanceCommand(input)))
      return out.DBInstance ?? {}
    },

    async createSubnetGroup(input) {
      const out = await awsCall('rds:CreateDBSubnetGroup', () =>
        client.send(
          new CreateDBSubnetGroupCommand({
            DBSubnetGroupDescription: input.description,
            DBSubnetGroupName: input.name,
            SubnetIds: [...input.subnetIds],
            Tags: tagList(input.tags),
          }),
        ),
      )
      return out.DBSubnetGroup ?? {}
    },

    async deleteCluster(id, finalSnapshotId) {
      await awsCall('rds:DeleteDBCluster', () =>
        client.send(
          new DeleteDBClusterCommand({
            DBClusterIdentifier: id,
            FinalDBSnapshotIdentifier: finalSnapshotId,
            SkipFinalSnapshot: finalSnapshotId === undefined,
          }),
        ),
      )
    },

    async deleteInstance(id, finalSnapshotId) {
      await awsCall('rds:DeleteDBInstance', () =>
        client.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: id,
            FinalDBSnapshotIdentifier: finalSnapshotId,
            SkipFinalSnapshot: finalSnapshotId === undefined,
          }),
        ),
      )
    },

    async deleteSubnetGroup(name) {
      await unlessNotFound('rds:DeleteDBSubnetGroup', SUBNET_GROUP_NOT_FOUND, () => client.send(new DeleteDBSubnetGroupCommand({DBSubnetGroupName: name})))
    },

    async describeCluster(id) {
      const out = await unlessNotFound('rds:DescribeDBClusters', CLUSTER_NOT_FOUND, () =>
        client.send(new DescribeDBClustersCommand({DBClusterIdentifier: id})),
      )
      return out?.DBClusters?.[0]
    },

    async describeClusterInstances(clusterId) {
      return awsCall('rds:DescribeDBInstances', async () => {
        const found: DBInstance[] = []
        const pages = paginateDescribeDBInstances({client}, {Filters: [{Name: 'db-cluster-id', Values: [clusterId]}]})
        for await (const page of pages) found.push(...(page.DBInstances ?? []))
        return found
      })
    },

    async describeInstance(id) {
      const out = await unlessNotFound('rds:DescribeDBInstances', INSTANCE_NOT_FOUND, () =>
        client.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: id})),
      )
      return out?.DBInstances?.[0]
    },

    async describeSubnetGroup(name) {
      const out = await unlessNotFound('rds:DescribeDBSubnetGroups', SUBNET_GROUP_NOT_FOUND, () =>
        client.send(new DescribeDBSubnetGroupsCommand({DBSubnetGroupName: name})),
      )
      return out?.DBSubnetGroups?.[0]
    },

    async setClusterDeletionProtection(id, on) {
      await awsCall('rds:ModifyDBCluster', () =>
        client.send(new ModifyDBClusterCommand({ApplyImmediately: true, DBClusterIdentifier: id, DeletionProtection: on})),
      )
    },

    async setInstanceDeletionProtection(id, on) {
      await awsCall('rds:ModifyDBInstance', () =>
        client.send(new ModifyDBInstanceCommand({ApplyImmediately: true, DBInstanceIdentifier: id, DeletionProtection: on})),
      )
    },

    async waitForClusterAvailable(id, wait) {
      await clusterWaits.available(id, wait)
      return (await getCluster(id)) ?? {}
    },

    waitForClusterDeleted: clusterWaits.deleted,

    async waitForInstanceAvailable(id, wait) {
      await instanceWaits.available(id, wait)
      return (await getInstance(id)) ?? {}
    },

    waitForInstanceDeleted: instanceWaits.deleted,
  }
}

/** The engine version hactl.yml asks for does not exist in the Region (or the engine has no default there). */
function noSuchVersion(engine: string, version: string | undefined): UserError {
  const what = version === undefined ? `default ${engine} version` : `${engine} version ${version}`
  return new UserError('db-engine-version', `RDS has no ${what} in this Region.`, {
    suggestions: [
      'Leave database.version out of hactl.yml to get the engine\'s default version.',
      `See the versions RDS offers: aws rds describe-db-engine-versions --engine ${engine} --query 'DBEngineVersions[].EngineVersion'`,
    ],
  })
}

/**
 * A group of hactl's name exists with another family (say the site moved to a
 * new major version): RDS cannot change a group's family, and hactl does not
 * delete a group a database may still use.
 */
function otherFamily(name: string, cluster: boolean, existing: string | undefined, wanted: string): UserError {
  const kind = cluster ? 'DB cluster parameter group' : 'DB parameter group'
  const deleteCommand = cluster
    ? `aws rds delete-db-cluster-parameter-group --db-cluster-parameter-group-name ${name}`
    : `aws rds delete-db-parameter-group --db-parameter-group-name ${name}`
  return new UserError('db-parameter-group-family', `The ${kind} ${name} exists with family ${existing ?? 'unknown'}, but this database needs family ${wanted}.`, {
    suggestions: [`Once no database uses it, delete it and re-run: ${deleteCommand}`],
  })
}
