import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'

import type {OperationContext, RegionState} from '../types'
import {ec2Slice, type Ec2State, type SecurityGroupRecord} from './ec2-model'
import {fleetSize} from './eb-fleet'
import {configurationError, invalidParameterValue, optionList, optionValue} from './eb-model'
import type {IamState} from './iam'

/*
 * What CreateEnvironment and UpdateEnvironment check in the settings beyond
 * the launch spec (eb-fleet.ts): that the VPC, subnets and security groups
 * fit together, the load balancer's groups, the rolling-update floor, and that
 * the instance profile and service role exist in IAM. Run on the settings the
 * environment would have (an update's merged settings), before anything
 * changes. Wording: AWS's where found, else marked "sandbox wording" in eb.md.
 */

const LAUNCH = 'aws:autoscaling:launchconfiguration'
const VPC = 'aws:ec2:vpc'
const ELBV2 = 'aws:elbv2:loadbalancer'
const ROLLING = 'aws:autoscaling:updatepolicy:rollingupdate'
const ENVIRONMENT = 'aws:elasticbeanstalk:environment'

/** EB's ConfigurationValidationException for one option's value. */
function badValue(value: string, namespace: string, option: string, reason: string) {
  return configurationError(`Invalid option value: '${value}' (Namespace: '${namespace}', OptionName: '${option}'): ${reason}`)
}

// ---- network ----------------------------------------------------------------

function findGroup(ec2: Ec2State, idOrName: string, vpcId: string | undefined): SecurityGroupRecord | undefined {
  if (idOrName.startsWith('sg-')) return ec2.securityGroups.find((group) => group.id === idOrName)
  return ec2.securityGroups.find((group) => group.name === idOrName && (vpcId === undefined || group.vpcId === vpcId))
}

/** Every subnet listed exists and, with a VPCId, is in that VPC. */
function checkSubnets(settings: readonly ConfigurationOptionSetting[], ec2: Ec2State, option: 'ELBSubnets' | 'Subnets', vpcId: string | undefined): void {
  const given = optionList(settings, VPC, option)
  for (const id of given) {
    const subnet = ec2.subnets.find((candidate) => candidate.id === id)
    if (!subnet) throw badValue(given.join(','), VPC, option, `The subnet '${id}' does not exist.`)
    if (vpcId !== undefined && subnet.vpcId !== vpcId) {
      throw badValue(given.join(','), VPC, option, `The subnet '${id}' is in '${subnet.vpcId}', not in the VPC '${vpcId}'.`)
    }
  }
}

/** Every group listed exists and, with a VPCId, is in that VPC (names resolve there). */
function checkGroups(settings: readonly ConfigurationOptionSetting[], ec2: Ec2State, namespace: string, vpcId: string | undefined): void {
  const given = optionList(settings, namespace, 'SecurityGroups')
  for (const idOrName of given) {
    const group = findGroup(ec2, idOrName, vpcId)
    if (!group) throw badValue(given.join(','), namespace, 'SecurityGroups', `The security group '${idOrName}' does not exist.`)
    if (vpcId !== undefined && group.vpcId !== vpcId) {
      throw badValue(given.join(','), namespace, 'SecurityGroups', `The security group '${idOrName}' is in '${group.vpcId}', not in the VPC '${vpcId}'.`)
    }
  }
}

/** The load balancer's managed group is the one EB adds its listener rules to: it must be among its groups. */
function checkManagedGroup(settings: readonly ConfigurationOptionSetting[]): void {
  const managed = optionValue(settings, ELBV2, 'ManagedSecurityGroup')
  const groups = optionList(settings, ELBV2, 'SecurityGroups')
  if (managed === undefined || groups.length === 0 || groups.includes(managed)) return
  throw badValue(managed, ELBV2, 'ManagedSecurityGroup', `The managed security group must be one of the load balancer's SecurityGroups (${groups.join(',')}).`)
}

function checkNetwork(settings: readonly ConfigurationOptionSetting[], ec2: Ec2State): void {
  const vpcId = optionValue(settings, VPC, 'VPCId')
  if (vpcId !== undefined && !ec2.vpcs.some((vpc) => vpc.id === vpcId)) throw badValue(vpcId, VPC, 'VPCId', `The VPC '${vpcId}' does not exist.`)
  checkSubnets(settings, ec2, 'Subnets', vpcId)
  checkSubnets(settings, ec2, 'ELBSubnets', vpcId)
  checkGroups(settings, ec2, LAUNCH, vpcId)
  checkGroups(settings, ec2, ELBV2, vpcId)
  checkManagedGroup(settings)
}

// ---- rolling updates --------------------------------------------------------

/**
 * MinInstancesInService must stay below MaxSize, or a rolling update could
 * never take a batch out of service. AWS's wording (eb-cli issue #74).
 */
function checkRollingUpdate(settings: readonly ConfigurationOptionSetting[]): void {
  const single = optionValue(settings, ENVIRONMENT, 'EnvironmentType') === 'SingleInstance'
  const minInService = optionValue(settings, ROLLING, 'MinInstancesInService')
  if (single && optionValue(settings, ROLLING, 'RollingUpdateEnabled')?.toLowerCase() === 'true') {
    throw badValue(minInService ?? '0', ROLLING, 'MinInstancesInService', "You can't enable rolling updates for a single-instance environment.")
  }

  if (minInService === undefined) return
  const value = Number(minInService)
  if (!Number.isInteger(value) || value < 0 || value > 9999) {
    throw badValue(minInService, ROLLING, 'MinInstancesInService', 'Value is not an integer between 0 and 9999.')
  }

  const {max} = fleetSize(settings)
  if (value >= max) {
    throw badValue(
      minInService,
      ROLLING,
      'MinInstancesInService',
      `The minimum instances in service for rolling updates (${value}) should be less than the maximum instance count for the Autoscaling group (${max}).`,
    )
  }
}

// ---- IAM --------------------------------------------------------------------

const SAME_NAME = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** A name, `path/name` or ARN: the name, the path when given (`/a/b/`), and the account of an ARN. */
interface IamReference {
  readonly name: string
  readonly path: string | undefined
  readonly account: string | undefined
}

function iamReference(value: string, kind: 'instance-profile' | 'role'): IamReference | undefined {
  const arn = new RegExp(`^arn:aws[a-z-]*:iam::(\\d{12}):${kind}(/(?:.*/)?)([^/]+)$`).exec(value)
  if (arn) return {account: arn[1], path: arn[2], name: arn[3]}
  if (value.startsWith('arn:')) return undefined
  const slash = value.lastIndexOf('/')
  if (slash < 0) return {account: undefined, path: undefined, name: value}
  return {account: undefined, path: `/${value.slice(0, slash).replace(/^\/+/, '')}/`, name: value.slice(slash + 1)}
}

function matches(record: {readonly name: string; readonly path: string}, ref: IamReference, context: OperationContext): boolean {
  return SAME_NAME(record.name, ref.name) && (ref.path === undefined || record.path === ref.path) && (ref.account === undefined || ref.account === context.account)
}

/**
 * The instance profile must exist and hold a role. AWS's wording (seen from
 * CreateEnvironment and in launch events).
 */
function checkInstanceProfile(settings: readonly ConfigurationOptionSetting[], iam: IamState | undefined, context: OperationContext): void {
  const value = optionValue(settings, LAUNCH, 'IamInstanceProfile')
  if (value === undefined) return
  const ref = iamReference(value, 'instance-profile')
  if (ref === undefined) throw invalidParameterValue(`The instance profile ${value} associated with the environment is invalid.`)
  const profile = (iam?.instanceProfiles ?? []).find((candidate) => matches(candidate, ref, context))
  if (!profile) throw invalidParameterValue(`The instance profile ${value} associated with the environment does not exist.`)
  if (profile.roles.length === 0) {
    throw invalidParameterValue(`The instance profile ${value} associated with the environment has no role. Please attach a role to the instance profile.`)
  }
}

/** EB must be able to assume the service role: it exists and trusts elasticbeanstalk.amazonaws.com. AWS's wording. */
function checkServiceRole(settings: readonly ConfigurationOptionSetting[], iam: IamState | undefined, context: OperationContext): void {
  const value = optionValue(settings, ENVIRONMENT, 'ServiceRole')
  if (value === undefined) return
  const ref = iamReference(value, 'role')
  const role = ref === undefined ? undefined : (iam?.roles ?? []).find((candidate) => matches(candidate, ref, context))
  if (!role || !role.trustPolicy.includes('elasticbeanstalk.amazonaws.com')) {
    const arn = value.startsWith('arn:') ? value : `arn:aws:iam::${context.account}:role/${value}`
    throw invalidParameterValue(`Unable to assume role "${arn}". Verify that the role exists and is configured correctly.`)
  }
}

/** Everything above, in this order; throws the first problem. */
export function checkEnvironmentSettings(settings: readonly ConfigurationOptionSetting[], region: RegionState, context: OperationContext): void {
  checkNetwork(settings, ec2Slice(region, context))
  checkRollingUpdate(settings)
  checkInstanceProfile(settings, region.iam, context)
  checkServiceRole(settings, region.iam, context)
}
