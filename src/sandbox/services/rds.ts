import {
  DBClusterAlreadyExistsFault,
  DBClusterNotFoundFault,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFoundFault,
  DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupDoesNotCoverEnoughAZs,
  DBSubnetGroupNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidDBInstanceStateFault,
  InvalidDBSubnetGroupStateFault,
  InvalidSubnet,
  RDSServiceException,
} from '@aws-sdk/client-rds'

import {defineService} from '../types'
import {queryExceptions} from './data-tier-common'
import {createDbCluster, deleteDbCluster, describeDbClusterSnapshots, describeDbClusters, modifyDbCluster} from './rds-clusters'
import {createDbInstance, deleteDbInstance, describeDbInstances, describeDbSnapshots, modifyDbInstance} from './rds-instances'
import {SPEC_FILE, rdsWorld, type RdsWorld} from './rds-model'
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
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceAlreadyExists: DBInstanceAlreadyExistsFault,
  DBInstanceNotFound: DBInstanceNotFoundFault,
  DBSnapshotAlreadyExists: DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFound: DBSnapshotNotFoundFault,
  DBSubnetGroupAlreadyExists: DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupDoesNotCoverEnoughAZs,
  DBSubnetGroupNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidDBInstanceState: InvalidDBInstanceStateFault,
  InvalidDBSubnetGroupStateFault,
  InvalidSubnet,
}

/**
 * The simulated RDS service (DB subnet groups, RDS instances, Aurora clusters
 * and their instances, final snapshots, tags). Behaviour: rds.md beside this file.
 */
export const rds = defineService<RdsWorld>({
  name: 'rds',
  specFile: SPEC_FILE,
  throttleError: {code: 'Throttling', message: 'Rate exceeded', status: 400},
  internalError: {code: 'InternalFailure', message: 'An internal error has occurred. Try again.', status: 500},
  slice: rdsWorld,
  operations: {
    AddTagsToResource: addTagsToResource,
    CreateDBCluster: createDbCluster,
    CreateDBInstance: createDbInstance,
    CreateDBSubnetGroup: createDbSubnetGroup,
    DeleteDBCluster: deleteDbCluster,
    DeleteDBInstance: deleteDbInstance,
    DeleteDBSubnetGroup: deleteDbSubnetGroup,
    DescribeDBClusterSnapshots: describeDbClusterSnapshots,
    DescribeDBClusters: describeDbClusters,
    DescribeDBInstances: describeDbInstances,
    DescribeDBSnapshots: describeDbSnapshots,
    DescribeDBSubnetGroups: describeDbSubnetGroups,
    ListTagsForResource: listTagsForResource,
    ModifyDBCluster: modifyDbCluster,
    ModifyDBInstance: modifyDbInstance,
    RemoveTagsFromResource: removeTagsFromResource,
  },
  toException: queryExceptions(MODELED, RDSServiceException),
})
