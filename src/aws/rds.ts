/** The RDS calls hactl makes: the DB subnet group, an RDS instance or an Aurora cluster and its instances. */
import {
  CreateDBClusterCommand,
  type CreateDBClusterCommandInput,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  CreateDBSubnetGroupCommand,
  type DBCluster,
  type DBInstance,
  type DBSubnetGroup,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
  paginateDescribeDBInstances,
  waitUntilDBClusterAvailable,
  waitUntilDBClusterDeleted,
  waitUntilDBInstanceAvailable,
  waitUntilDBInstanceDeleted,
} from '@aws-sdk/client-rds'

import type {ApiContext} from './clients'
import type {Tags, WaitControl} from './ec2'
import {awsCall} from './errors'
import {statesIn, tagList, unlessNotFound, waitUntilGone, waiterPacing} from './resource-calls'
import {runSdkWaiter} from './wait'

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
}

/** RDS's own waiter model polls every 30 s. */
const RDS_WAITER_DELAY_SECONDS = 30

/** The SDK's names for "no such instance / cluster / group" (the exception class names, not the wire codes). */
const INSTANCE_NOT_FOUND = 'DBInstanceNotFoundFault'
const CLUSTER_NOT_FOUND = 'DBClusterNotFoundFault'
const SUBNET_GROUP_NOT_FOUND = 'DBSubnetGroupNotFoundFault'

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

  function waitOptions(wait: WaitControl) {
    return waiterPacing(client, context, RDS_WAITER_DELAY_SECONDS, wait)
  }

  return {
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
      await runSdkWaiter({
        ...waitOptions(wait),
        describe: clusterStates,
        input: {DBClusterIdentifier: id},
        waiter: waitUntilDBClusterAvailable,
        what: `DB cluster ${id} to be available`,
      })
      return (await getCluster(id)) ?? {}
    },

    async waitForClusterDeleted(id, wait) {
      await waitUntilGone(CLUSTER_NOT_FOUND, {
        ...waitOptions(wait),
        describe: clusterStates,
        input: {DBClusterIdentifier: id},
        waiter: waitUntilDBClusterDeleted,
        what: `DB cluster ${id} to be deleted`,
      })
    },

    async waitForInstanceAvailable(id, wait) {
      await runSdkWaiter({
        ...waitOptions(wait),
        describe: instanceStates,
        input: {DBInstanceIdentifier: id},
        waiter: waitUntilDBInstanceAvailable,
        what: `DB instance ${id} to be available`,
      })
      return (await getInstance(id)) ?? {}
    },

    async waitForInstanceDeleted(id, wait) {
      await waitUntilGone(INSTANCE_NOT_FOUND, {
        ...waitOptions(wait),
        describe: instanceStates,
        input: {DBInstanceIdentifier: id},
        waiter: waitUntilDBInstanceDeleted,
        what: `DB instance ${id} to be deleted`,
      })
    },
  }
}
