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
import type {ResponseMetadata} from '@smithy/types'

import {exceptionOptions, type SimError} from '../errors'
import {defineService} from '../types'
import {createCacheCluster, deleteCacheCluster, describeCacheClusters} from './elasticache-clusters'
import {createReplicationGroup, deleteReplicationGroup, describeReplicationGroups} from './elasticache-groups'
import {SPEC_FILE, cacheWorld, type CacheWorld} from './elasticache-model'
import {createCacheSubnetGroup, deleteCacheSubnetGroup, describeCacheSubnetGroups} from './elasticache-subnet-groups'
import {addTagsToResource, listTagsForResource, removeTagsFromResource} from './elasticache-tags'

export type {ElastiCacheState} from './elasticache-model'

type ModeledFault = new (options: {message: string; $metadata: ResponseMetadata}) => ElastiCacheServiceException

/**
 * The errors the ElastiCache client models, by the code AWS sends
 * (`CacheClusterNotFound`). The SDK throws its class, named by the class
 * (`CacheClusterNotFoundFault`, `InvalidParameterValueException`), with the
 * code in `Code`; so does this.
 */
const MODELED: Readonly<Record<string, ModeledFault>> = {
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

/** What the SDK's query protocol adds to every error from the XML body: `Type`, `Code` and `Error`. */
function queryErrorFields(error: SimError): {Type: string; Code: string; Error: {Type: string; Code: string; Message: string}} {
  const type = error.fault === 'server' ? 'Receiver' : 'Sender'
  return {Type: type, Code: error.code, Error: {Type: type, Code: error.code, Message: error.message}}
}

function toException(error: SimError, metadata: ResponseMetadata): Error {
  const Modeled = MODELED[error.code]
  const exception = Modeled
    ? new Modeled({message: error.message, $metadata: {...metadata, httpStatusCode: error.status}})
    : new ElastiCacheServiceException(exceptionOptions(error, metadata))
  return Object.assign(exception, queryErrorFields(error))
}

/**
 * The simulated ElastiCache service (cache subnet groups, Redis/Valkey
 * replication groups, Memcached clusters, tags). Behaviour: elasticache.md.
 */
export const elasticache = defineService<CacheWorld>({
  name: 'elasticache',
  specFile: SPEC_FILE,
  throttleError: {code: 'Throttling', message: 'Rate exceeded', status: 400},
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
    ListTagsForResource: listTagsForResource,
    RemoveTagsFromResource: removeTagsFromResource,
  },
  toException,
})
