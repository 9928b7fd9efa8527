import {
  CacheClusterAlreadyExistsFault,
  CacheClusterNotFoundFault,
  CacheSubnetGroupAlreadyExistsFault,
  CacheSubnetGroupInUse,
  CacheSubnetGroupNotFoundFault,
  ElastiCacheServiceException,
  InvalidARNFault,
  InvalidCacheClusterStateFault,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  InvalidReplicationGroupStateFault,
  InvalidSubnet,
  ReplicationGroupAlreadyExistsFault,
  ReplicationGroupNotFoundFault,
  TagNotFoundFault,
  TagQuotaPerResourceExceeded,
} from '@aws-sdk/client-elasticache'

import {defineService, THROTTLING} from '../types'
import {modeledExceptions} from '../errors'
import {createCacheCluster, deleteCacheCluster, describeCacheClusters} from './elasticache-clusters'
import {createReplicationGroup, deleteReplicationGroup, describeReplicationGroups, modifyReplicationGroup} from './elasticache-groups'
import {describeReservedCacheNodesOfferings} from './elasticache-node-types'
import {cacheWorld, type CacheWorld} from './elasticache-model'
import {createCacheSubnetGroup, deleteCacheSubnetGroup, describeCacheSubnetGroups} from './elasticache-subnet-groups'
import {addTagsToResource, listTagsForResource, removeTagsFromResource} from './elasticache-tags'

export type {ElastiCacheState} from './elasticache-model'

/**
 * The errors the ElastiCache client models, by the code AWS sends
 * (`CacheClusterNotFound`). The SDK throws its class, named by the class
 * (`CacheClusterNotFoundFault`, `InvalidParameterValueException`), with the
 * code in `Code`; so does this.
 */
const MODELED = {
  CacheClusterAlreadyExists: CacheClusterAlreadyExistsFault,
  CacheClusterNotFound: CacheClusterNotFoundFault,
  CacheSubnetGroupAlreadyExists: CacheSubnetGroupAlreadyExistsFault,
  CacheSubnetGroupInUse,
  CacheSubnetGroupNotFoundFault,
  InvalidARN: InvalidARNFault,
  InvalidCacheClusterState: InvalidCacheClusterStateFault,
  InvalidParameterCombination: InvalidParameterCombinationException,
  InvalidParameterValue: InvalidParameterValueException,
  InvalidReplicationGroupState: InvalidReplicationGroupStateFault,
  InvalidSubnet,
  ReplicationGroupAlreadyExists: ReplicationGroupAlreadyExistsFault,
  ReplicationGroupNotFoundFault,
  TagNotFound: TagNotFoundFault,
  TagQuotaPerResourceExceeded,
}

/**
 * The simulated ElastiCache service (cache subnet groups, Redis/Valkey
 * replication groups, Memcached clusters, tags). Behaviour: elasticache.md.
 */
export const elasticache = defineService<CacheWorld>({
  name: 'elasticache',
  throttleError: THROTTLING.query,
  internalError: {code: 'InternalFailure', message: 'An internal error has occurred. Please try your query again at a later time.', status: 500},
  slice: cacheWorld,
  operations: {
    AddTagsToResource: addTagsToResource,
    CreateCacheCluster: createCacheCluster,
    CreateCacheSubnetGroup: createCacheSubnetGroup,
    CreateReplicationGroup: createReplicationGroup,
    DeleteCacheCluster: deleteCacheCluster,
    DeleteCacheSubnetGroup: deleteCacheSubnetGroup,
    DeleteReplicationGroup: deleteReplicationGroup,
    DescribeCacheClusters: describeCacheClusters,
    DescribeCacheSubnetGroups: describeCacheSubnetGroups,
    DescribeReplicationGroups: describeReplicationGroups,
    DescribeReservedCacheNodesOfferings: describeReservedCacheNodesOfferings,
    ListTagsForResource: listTagsForResource,
    ModifyReplicationGroup: modifyReplicationGroup,
    RemoveTagsFromResource: removeTagsFromResource,
  },
  toException: modeledExceptions(MODELED, ElastiCacheServiceException, 'query'),
})
