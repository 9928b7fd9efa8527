import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'

import {SimError} from '../errors'
import type {OperationContext, RegionState} from '../types'
import {ec2Slice, type Ec2State} from './ec2-model'
import {authorizeSecurityGroupIngress, createSecurityGroup, deleteSecurityGroup} from './ec2-network'
import {configurationError, operationEnd, optionValue, type EbContext, type EbEnvironmentRecord, type EbLaunchSpec} from './eb-model'

/*
 * EB's own instance security group: the `AWSEBSecurityGroup` of the
 * environment's stack. Unless `aws:autoscaling:launchconfiguration
 * DisableDefaultEC2SecurityGroup` is true, EB creates it and puts it on every
 * instance besides the groups in `SecurityGroups`; it "allows all incoming
 * traffic from the internet or load balancers on the standard ports for HTTP
 * (80) and SSH (22)" (EB Developer Guide, using-features.managing.ec2.instances.sg).
 * It is a real group in the EC2 state, so a caller that lists the instances'
 * groups sees what it would see on AWS.
 *
 *   CreateEnvironment / UpdateEnvironment enabling it ─► ensureInstanceGroup
 *   UpdateEnvironment disabling it ─► gone at the update's end      ┐ retireInstanceGroups,
 *   TerminateEnvironment           ─► gone at the "Deleted …" event ┘ EB's advance phase
 */

const LAUNCH = 'aws:autoscaling:launchconfiguration'

/** The description EB's CloudFormation template gives the group. */
const DESCRIPTION = 'VPC Security Group'

/** How far into a termination EB's stack deletes the group (the "Deleted security group named" event). */
export const GROUP_DELETED_AT = 0.8

/** False only when `DisableDefaultEC2SecurityGroup` is `true`. */
export function wantsDefaultGroup(settings: readonly ConfigurationOptionSetting[]): boolean {
  return optionValue(settings, LAUNCH, 'DisableDefaultEC2SecurityGroup')?.toLowerCase() !== 'true'
}

function groupExists(ec2: Ec2State, id: string | undefined): boolean {
  return id !== undefined && ec2.securityGroups.some((group) => group.id === id)
}

/**
 * Makes the environment's instance group in the VPC of its subnets, unless the
 * spec opts out or it exists already. Returns true when it made one (for the
 * "Created security group named" event). CloudFormation's `aws:` tags are
 * written on the record, as CreateSecurityGroup refuses them from callers.
 */
export function ensureInstanceGroup(eb: EbContext, env: EbEnvironmentRecord, spec: EbLaunchSpec, context: OperationContext): boolean {
  const ec2 = ec2Slice(eb.region, context)
  if (!spec.defaultSecurityGroup || groupExists(ec2, env.instanceSecurityGroupId)) return false
  const vpcId = ec2.subnets.find((subnet) => subnet.id === spec.subnets[0])?.vpcId
  if (vpcId === undefined) throw configurationError('No subnet to launch the environment\'s instances into.')
  const tags = {Name: env.name, 'elasticbeanstalk:environment-name': env.name, 'elasticbeanstalk:environment-id': env.id}
  let groupId: string
  try {
    groupId =
      createSecurityGroup(
        ec2,
        {
          GroupName: env.stack.securityGroup,
          Description: DESCRIPTION,
          VpcId: vpcId,
          TagSpecifications: [{ResourceType: 'security-group', Tags: Object.entries(tags).map(([Key, Value]) => ({Key, Value}))}],
        },
        context,
      ).GroupId ?? ''
  } catch (error) {
    if (error instanceof SimError) throw configurationError(error.message)
    throw error
  }

  const anywhere = [{CidrIp: '0.0.0.0/0'}]
  authorizeSecurityGroupIngress(
    ec2,
    {
      GroupId: groupId,
      IpPermissions: [
        {IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: anywhere},
        {IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: anywhere},
      ],
    },
    context,
  )
  const record = ec2.securityGroups.find((group) => group.id === groupId)
  if (record) {
    record.tags['aws:cloudformation:stack-name'] = env.stack.name
    record.tags['aws:cloudformation:logical-id'] = 'AWSEBSecurityGroup'
  }

  env.instanceSecurityGroupId = groupId
  return true
}

/** When the environment's group is due to go, or undefined while it stays. */
function retiresAt(env: EbEnvironmentRecord): number | undefined {
  const {operation} = env
  if (operation.kind === 'terminate') return operation.startedAt + Math.round(GROUP_DELETED_AT * operation.duration)
  return wantsDefaultGroup(env.optionSettings) ? undefined : operationEnd(env)
}

/**
 * Deletes the instance groups whose time has come: a terminating
 * environment's, and one an update opted out of. Runs in EB's advance phase
 * (before every call, and before terminated environments are forgotten), so no
 * group outlives its environment. A group something still depends on stays (as
 * a CloudFormation stack deletion would fail), and is tried again on the next
 * call. Returns true when it changed anything.
 */
export function retireInstanceGroups(region: RegionState, context: OperationContext): boolean {
  const ec2 = region.ec2
  if (ec2 === undefined) return false
  let changed = false
  for (const env of region.eb?.environments ?? []) {
    const id = env.instanceSecurityGroupId
    const due = retiresAt(env)
    if (id === undefined || due === undefined || context.now < due) continue
    if (!groupExists(ec2, id) || tryDelete(ec2, id, context)) {
      delete env.instanceSecurityGroupId
      changed = true
    }
  }

  return changed
}

/** EC2 refuses while a live instance or another group's rule uses it (DependencyViolation). */
function tryDelete(ec2: Ec2State, id: string, context: OperationContext): boolean {
  try {
    deleteSecurityGroup(ec2, {GroupId: id}, context)
    return true
  } catch (error) {
    if (error instanceof SimError) return false
    throw error
  }
}
