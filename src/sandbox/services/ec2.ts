import {EC2ServiceException} from '@aws-sdk/client-ec2'

import {SimError, exceptionOptions} from '../errors'
import {defineService} from '../types'
import {createImage, deregisterImage, describeImageAttribute, describeImages} from './ec2-images'
import {
  describeInstanceAttribute,
  describeInstanceStatus,
  describeInstances,
  modifyInstanceMetadataOptions,
  runInstances,
  terminateInstances,
} from './ec2-instances'
import {createLaunchTemplate, deleteLaunchTemplate, describeLaunchTemplates, describeLaunchTemplateVersions} from './ec2-launch-templates'
import {ec2Slice, type Ec2State} from './ec2-model'
import {
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
} from './ec2-network'
import {describeInstanceTypeOfferings, describeInstanceTypes} from './ec2-offerings'
import {deleteSnapshot, describeSnapshotAttribute, describeSnapshots, modifySnapshotAttribute} from './ec2-snapshots'
import {createTags, deleteTags, describeTags} from './ec2-tags'
import {
  createSubnet,
  createVpc,
  createVpcEndpoint,
  describeRouteTables,
  describeVpcAttribute,
  describeVpcEndpoints,
  modifyVpcAttribute,
} from './ec2-vpcs'

/**
 * The simulated EC2 service. Behaviour: ec2.md beside this file. EC2 models no
 * error shapes, so every error is an EC2ServiceException named by AWS's code.
 */
export const ec2 = defineService<Ec2State>({
  name: 'ec2',
  specFile: 'src/sandbox/services/ec2.md',
  throttleError: {code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503},
  internalError: {code: 'InternalError', message: 'An internal error has occurred', status: 500},
  slice: ec2Slice,
  operations: {
    AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
    CreateImage: createImage,
    CreateLaunchTemplate: createLaunchTemplate,
    CreateSecurityGroup: createSecurityGroup,
    CreateSubnet: createSubnet,
    CreateTags: createTags,
    CreateVpc: createVpc,
    CreateVpcEndpoint: createVpcEndpoint,
    DeleteLaunchTemplate: deleteLaunchTemplate,
    DeleteSecurityGroup: deleteSecurityGroup,
    DeleteSnapshot: deleteSnapshot,
    DeleteTags: deleteTags,
    DeregisterImage: deregisterImage,
    DescribeImageAttribute: describeImageAttribute,
    DescribeImages: describeImages,
    DescribeLaunchTemplates: describeLaunchTemplates,
    DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
    DescribeInstanceAttribute: describeInstanceAttribute,
    DescribeInstanceStatus: describeInstanceStatus,
    DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
    DescribeInstanceTypes: describeInstanceTypes,
    DescribeInstances: describeInstances,
    DescribeRouteTables: describeRouteTables,
    DescribeSecurityGroups: describeSecurityGroups,
    DescribeSnapshotAttribute: describeSnapshotAttribute,
    DescribeSnapshots: describeSnapshots,
    DescribeSubnets: describeSubnets,
    DescribeTags: describeTags,
    DescribeVpcAttribute: describeVpcAttribute,
    DescribeVpcEndpoints: describeVpcEndpoints,
    DescribeVpcs: describeVpcs,
    ModifyInstanceMetadataOptions: modifyInstanceMetadataOptions,
    ModifySnapshotAttribute: modifySnapshotAttribute,
    ModifyVpcAttribute: modifyVpcAttribute,
    RunInstances: runInstances,
    TerminateInstances: terminateInstances,
  },
  precheck: (input) => {
    // DryRun asks "would this be allowed?"; the sandbox allows everything and changes nothing.
    if ('DryRun' in input && input.DryRun === true) {
      throw new SimError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412)
    }
  },
  toException: (error, metadata) => new EC2ServiceException(exceptionOptions(error, metadata)),
})
