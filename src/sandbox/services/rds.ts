import {
  DBClusterAlreadyExistsFault,
  DBClusterNotFoundFault,
  DBClusterParameterGroupNotFoundFault,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DBParameterGroupAlreadyExistsFault,
  DBParameterGroupNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFoundFault,
  DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupDoesNotCoverEnoughAZs,
  DBSubnetGroupNotFoundFault,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBClusterStateFault,
  InvalidDBInstanceStateFault,
  InvalidDBParameterGroupStateFault,
  InvalidDBSnapshotStateFault,
  InvalidDBSubnetGroupStateFault,
  InvalidSubnet,
  RDSServiceException,
} from '@aws-sdk/client-rds'

import {defineService, THROTTLING} from '../types'
import {modeledExceptions} from '../errors'
import {createDbCluster, deleteDbCluster, describeDbClusterSnapshots, describeDbClusters, modifyDbCluster} from './rds-clusters'
import {describeDbEngineVersions} from './rds-engines'
import {describeOrderableDbInstanceOptions} from './rds-orderable'
import {createDbInstance, deleteDbInstance, describeDbInstances, describeDbSnapshots, modifyDbInstance} from './rds-instances'
import {rdsWorld, type RdsWorld} from './rds-model'
import {
  createDbClusterParameterGroup,
  createDbParameterGroup,
  deleteDbClusterParameterGroup,
  deleteDbParameterGroup,
  describeDbClusterParameterGroups,
  describeDbClusterParameters,
  describeDbParameterGroups,
  describeDbParameters,
  modifyDbClusterParameterGroup,
  modifyDbParameterGroup,
} from './rds-parameter-groups'
import {restoreDbClusterFromSnapshot, restoreDbInstanceFromDbSnapshot} from './rds-restore'
import {createDbSubnetGroup, deleteDbSubnetGroup, describeDbSubnetGroups} from './rds-subnet-groups'
import {addTagsToResource, listTagsForResource, removeTagsFromResource} from './rds-tags'

export type {RdsState} from './rds-model'

/**
 * The errors the RDS client models, by the code AWS sends (`DBInstanceNotFound`).
 * The SDK maps that code to its class, whose `name` is the class name
 * (`DBInstanceNotFoundFault`), and keeps the code in `Code`; so does this.
 */
const MODELED = {
  DBClusterAlreadyExistsFault,
  DBClusterNotFoundFault,
  DBClusterParameterGroupNotFound: DBClusterParameterGroupNotFoundFault,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceAlreadyExists: DBInstanceAlreadyExistsFault,
  DBInstanceNotFound: DBInstanceNotFoundFault,
  DBParameterGroupAlreadyExists: DBParameterGroupAlreadyExistsFault,
  DBParameterGroupNotFound: DBParameterGroupNotFoundFault,
  DBSnapshotAlreadyExists: DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFound: DBSnapshotNotFoundFault,
  DBSubnetGroupAlreadyExists: DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupDoesNotCoverEnoughAZs,
  DBSubnetGroupNotFoundFault,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBClusterStateFault,
  InvalidDBInstanceState: InvalidDBInstanceStateFault,
  InvalidDBParameterGroupState: InvalidDBParameterGroupStateFault,
  InvalidDBSnapshotState: InvalidDBSnapshotStateFault,
  InvalidDBSubnetGroupStateFault,
  InvalidSubnet,
}

/**
 * The simulated RDS service (DB subnet groups, engine versions, parameter
 * groups, RDS instances, Aurora clusters and their instances, final snapshots
 * and restores from them, tags). Behaviour: rds.md beside this file.
 */
export const rds = defineService<RdsWorld>({
  name: 'rds',
  throttleError: THROTTLING.query,
  internalError: {code: 'InternalFailure', message: 'An internal error has occurred. Try again.', status: 500},
  slice: rdsWorld,
  operations: {
    AddTagsToResource: addTagsToResource,
    CreateDBCluster: createDbCluster,
    CreateDBClusterParameterGroup: createDbClusterParameterGroup,
    CreateDBInstance: createDbInstance,
    CreateDBParameterGroup: createDbParameterGroup,
    CreateDBSubnetGroup: createDbSubnetGroup,
    DeleteDBCluster: deleteDbCluster,
    DeleteDBClusterParameterGroup: deleteDbClusterParameterGroup,
    DeleteDBInstance: deleteDbInstance,
    DeleteDBParameterGroup: deleteDbParameterGroup,
    DeleteDBSubnetGroup: deleteDbSubnetGroup,
    DescribeDBClusterParameterGroups: describeDbClusterParameterGroups,
    DescribeDBClusterParameters: describeDbClusterParameters,
    DescribeDBClusterSnapshots: describeDbClusterSnapshots,
    DescribeDBClusters: describeDbClusters,
    DescribeDBEngineVersions: describeDbEngineVersions,
    DescribeDBInstances: describeDbInstances,
    DescribeDBParameterGroups: describeDbParameterGroups,
    DescribeDBParameters: describeDbParameters,
    DescribeDBSnapshots: describeDbSnapshots,
    DescribeDBSubnetGroups: describeDbSubnetGroups,
    DescribeOrderableDBInstanceOptions: describeOrderableDbInstanceOptions,
    ListTagsForResource: listTagsForResource,
    ModifyDBCluster: modifyDbCluster,
    ModifyDBClusterParameterGroup: modifyDbClusterParameterGroup,
    ModifyDBInstance: modifyDbInstance,
    ModifyDBParameterGroup: modifyDbParameterGroup,
    RemoveTagsFromResource: removeTagsFromResource,
    RestoreDBClusterFromSnapshot: restoreDbClusterFromSnapshot,
    RestoreDBInstanceFromDBSnapshot: restoreDbInstanceFromDbSnapshot,
  },
  toException: modeledExceptions(MODELED, RDSServiceException, 'query'),
})
