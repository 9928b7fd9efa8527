import {
  ElasticBeanstalkServiceException,
  ElasticBeanstalkSyntheticServiceException,
  InsufficientPrivilegesException,
  InvalidRequestException,
  OperationInProgressException,
  ResourceNotFoundException,
  ResourceTypeNotSupportedException,
  S3LocationNotInServiceRegionException,
  TooManyApplicationVersionsException,
  TooManyApplicationsException,
  TooManyEnvironmentsException,
  TooManyTagsException,
} from '@aws-sdk/client-elastic-beanstalk'
import {modeledExceptions} from '../errors'
import {defineService, type AdvanceContext, type RegionState, THROTTLING} from '../types'
import {
  createApplication,
  createApplicationVersion,
  createStorageLocation,
  deleteApplication,
  describeApplicationVersions,
  describeApplications,
  listTagsForResource,
  updateTagsForResource,
} from './eb-apps'
import {abortEnvironmentUpdate, createEnvironment, describeEnvironments, terminateEnvironment, updateEnvironment} from './eb-environments'
import {describeEvents} from './eb-events'
import {describeConfigurationSettings, describeEnvironmentHealth, describeEnvironmentResources, describeInstancesHealth} from './eb-health'
import {ebSlice, type EbContext} from './eb-model'
import {describePlatformVersion, listPlatformVersions} from './eb-platforms'
import {advanceRollingUpdates} from './eb-rolling'
import {retireInstanceGroups} from './eb-security-group'
import {createConfigurationTemplate, deleteConfigurationTemplate} from './eb-templates'

/**
 * The errors the EB client models, by the code AWS sends: thrown as their own
 * classes, as the SDK's deserializer would. Everything else (InvalidParameterValue,
 * ConfigurationValidationException, Throttling, …) is the service's base exception
 * named by its code.
 */
const toException = modeledExceptions(
  {
    ElasticBeanstalkServiceException,
    InsufficientPrivilegesException,
    InvalidRequestException,
    OperationInProgressFailure: OperationInProgressException,
    ResourceNotFoundException,
    ResourceTypeNotSupportedException,
    S3LocationNotInServiceRegionException,
    TooManyApplicationVersionsException,
    TooManyApplicationsException,
    TooManyEnvironmentsException,
    TooManyTagsException,
  },
  ElasticBeanstalkSyntheticServiceException,
  'query',
)

/**
 * EB's deferred work, in time order: rolling-update batches launch and retire
 * instances, then instance groups whose time has come go (after the instances
 * that used them).
 */
function advanceEb(region: RegionState, context: AdvanceContext): boolean {
  const rolled = region.eb === undefined ? false : advanceRollingUpdates({state: region.eb, region}, context)
  return retireInstanceGroups(region, context) || rolled
}

/** The simulated Elastic Beanstalk service. Behaviour: eb.md beside this file. */
export const eb = defineService<EbContext>({
  name: 'elasticbeanstalk',
  specFile: 'src/sandbox/services/eb.md',
  // EB speaks the query protocol: AWS's common codes, throttling as a 400.
  throttleError: THROTTLING.query,
  internalError: {code: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.', status: 500},
  slice: ebSlice,
  // Before every call (and so before ebSlice forgets terminated environments): deferred work that came due.
  advance: advanceEb,
  operations: {
    AbortEnvironmentUpdate: abortEnvironmentUpdate,
    CreateApplication: createApplication,
    CreateApplicationVersion: createApplicationVersion,
    CreateConfigurationTemplate: createConfigurationTemplate,
    CreateEnvironment: createEnvironment,
    CreateStorageLocation: createStorageLocation,
    DeleteApplication: deleteApplication,
    DeleteConfigurationTemplate: deleteConfigurationTemplate,
    DescribeApplicationVersions: describeApplicationVersions,
    DescribeApplications: describeApplications,
    DescribeConfigurationSettings: describeConfigurationSettings,
    DescribeEnvironmentHealth: describeEnvironmentHealth,
    DescribeEnvironmentResources: describeEnvironmentResources,
    DescribeEnvironments: describeEnvironments,
    DescribeEvents: describeEvents,
    DescribeInstancesHealth: describeInstancesHealth,
    DescribePlatformVersion: describePlatformVersion,
    ListPlatformVersions: listPlatformVersions,
    ListTagsForResource: listTagsForResource,
    TerminateEnvironment: terminateEnvironment,
    UpdateEnvironment: updateEnvironment,
    UpdateTagsForResource: updateTagsForResource,
  },
  toException,
})
