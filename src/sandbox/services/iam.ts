import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  ServiceFailureException,
  type AddRoleToInstanceProfileCommandInput,
  type AddRoleToInstanceProfileCommandOutput,
  type AttachRolePolicyCommandInput,
  type AttachRolePolicyCommandOutput,
  type CreateInstanceProfileCommandInput,
  type CreateInstanceProfileCommandOutput,
  type CreateRoleCommandInput,
  type CreateRoleCommandOutput,
  type DeleteInstanceProfileCommandInput,
  type DeleteInstanceProfileCommandOutput,
  type DeleteRoleCommandInput,
  type DeleteRoleCommandOutput,
  type DeleteRolePolicyCommandInput,
  type DeleteRolePolicyCommandOutput,
  type DetachRolePolicyCommandInput,
  type DetachRolePolicyCommandOutput,
  type GetInstanceProfileCommandInput,
  type GetInstanceProfileCommandOutput,
  type GetRoleCommandInput,
  type GetRoleCommandOutput,
  type GetRolePolicyCommandInput,
  type GetRolePolicyCommandOutput,
  type InstanceProfile,
  type ListAttachedRolePoliciesCommandInput,
  type ListAttachedRolePoliciesCommandOutput,
  type ListInstanceProfilesForRoleCommandInput,
  type ListInstanceProfilesForRoleCommandOutput,
  type ListRolePoliciesCommandInput,
  type ListRolePoliciesCommandOutput,
  type PutRolePolicyCommandInput,
  type PutRolePolicyCommandOutput,
  type RemoveRoleFromInstanceProfileCommandInput,
  type RemoveRoleFromInstanceProfileCommandOutput,
  type Role,
  type Tag,
  type TagRoleCommandInput,
  type TagRoleCommandOutput,
} from '@aws-sdk/client-iam'

import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {paginate, type Page} from '../paging'
import {defineService, type OperationContext, type RegionState, type Result, THROTTLING} from '../types'
import {checkTags as checkTagRules, reservedPrefixes, type TagRules} from '../tags'
import type {Tags} from './ec2-model'


/*
 * The simulated IAM: roles (trust policy, attached AWS managed policies,
 * inline policies, tags) and instance profiles. IAM is global; the sandbox
 * keeps it with the region (see types.ts). Behaviour: iam.md beside this file.
 */

export interface IamRoleRecord {
  readonly name: string
  readonly id: string
  readonly path: string
  readonly createdAt: number
  readonly trustPolicy: string
  readonly description: string | undefined
  readonly maxSessionDuration: number
  /** Managed policy ARNs, in the order attached. */
  attached: string[]
  /** Inline policies: name → JSON document. */
  inline: Record<string, string>
  tags: Tags
}

export interface IamInstanceProfileRecord {
  readonly name: string
  readonly id: string
  readonly path: string
  readonly createdAt: number
  /** Role names (at most one: AWS's quota). */
  roles: string[]
  tags: Tags
}

export interface IamState {
  roles: IamRoleRecord[]
  instanceProfiles: IamInstanceProfileRecord[]
}

/** The AWS managed policies the sandbox knows (the ones hactl attaches, and their neighbours). */
export const KNOWN_MANAGED_POLICIES: readonly string[] = [
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkWorkerTier',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkMulticontainerDocker',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy',
  'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth',
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  'arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess',
  'arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadOnlyAccess',
  'arn:aws:iam::aws:policy/AmazonElasticFileSystemClientFullAccess',
  'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
]

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/

function slice(region: RegionState): IamState {
  region.iam ??= {roles: [], instanceProfiles: []}
  return region.iam
}

// ---- errors (AWS's codes and wording) ------------------------------------------

/** HTTP statuses of IAM's query error codes, from the SDK's error schema. */
const STATUS: Readonly<Record<string, number>> = {
  DeleteConflict: 409,
  EntityAlreadyExists: 409,
  InvalidInput: 400,
  LimitExceeded: 409,
  MalformedPolicyDocument: 400,
  NoSuchEntity: 404,
  ServiceFailure: 500,
}

function iamError(code: string, message: string): SimError {
  return new SimError(code, message, STATUS[code] ?? 400)
}

const errors = {
  noSuchRole: (name: string) => iamError('NoSuchEntity', `The role with name ${name} cannot be found.`),
  noSuchProfile: (name: string) => iamError('NoSuchEntity', `Instance Profile ${name} cannot be found.`),
  noSuchRolePolicy: (name: string) => iamError('NoSuchEntity', `The role policy with name ${name} cannot be found.`),
  profileHasRole: () => iamError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.'),
  malformed: () => iamError('MalformedPolicyDocument', 'Syntax errors in policy.'),
  validation: (value: string, field: string, pattern: string) =>
    new SimError(
      'ValidationError',
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
    ),
}

// ---- lookups and shapes --------------------------------------------------------------

/** IAM names are unique regardless of case, and found regardless of case. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

function findRole(state: IamState, name: string | undefined): IamRoleRecord {
  const role = state.roles.find((candidate) => sameName(candidate.name, name ?? ''))
  if (!role) throw errors.noSuchRole(name ?? '')
  return role
}

function findProfile(state: IamState, name: string | undefined): IamInstanceProfileRecord {
  const profile = state.instanceProfiles.find((candidate) => sameName(candidate.name, name ?? ''))
  if (!profile) throw errors.noSuchProfile(name ?? '')
  return profile
}

function checkPath(path: string | undefined): string {
  const value = path ?? '/'
  if (!/^\/([\x21-\x7e]*\/)?$/.test(value) || value.length > 512) throw errors.validation(value, 'path', '(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)')
  return value
}

/** A policy document must be a JSON object; IAM checks the grammar further, the sandbox does not. */
function checkDocument(document: string | undefined): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(document ?? '')
  } catch {
    throw errors.malformed()
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.malformed()
  return document ?? ''
}

const TAG_RULES: TagRules = {
  reserved: reservedPrefixes('aws:'),
  badKey: (key) => iamError('InvalidInput', `Tag key must be between 1 and 128 characters: '${key}'`),
  reservedKey: (key) => iamError('InvalidInput', `Tag keys starting with 'aws:' are reserved: '${key}'`),
  badValue: (key) => iamError('InvalidInput', `Tag value must be at most 256 characters for key '${key}'`),
  tooMany: () => iamError('LimitExceeded', 'Cannot exceed quota for TagsPerRole: 50.'),
}

function checkTags(tags: readonly Tag[] | undefined, existing: Tags = {}): Tags {
  return checkTagRules(TAG_RULES, tags, existing)
}

function toTagList(tags: Tags): Tag[] | undefined {
  const list = Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
  return list.length > 0 ? list : undefined
}

/** IAM's unique ids: a four-letter type prefix and 17 upper-case characters. */
function uniqueId(prefix: 'AROA' | 'AIPA', context: OperationContext): string {
  return `${prefix}${context.nextId('iam', 17).slice('iam-'.length).toUpperCase()}`
}

/** IAM returns policy documents URL-encoded (RFC 3986), and the SDK hands them on as they come. */
function encoded(document: string): string {
  return encodeURIComponent(document)
}

function toRole(role: IamRoleRecord, context: OperationContext): Role {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: `arn:aws:iam::${context.account}:role${role.path}${role.name}`,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encoded(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: toTagList(role.tags),
    RoleLastUsed: {},
  }
}

function toProfile(state: IamState, profile: IamInstanceProfileRecord, context: OperationContext): InstanceProfile {
  return {
    Path: profile.path,
    InstanceProfileName: profile.name,
    InstanceProfileId: profile.id,
    Arn: `arn:aws:iam::${context.account}:instance-profile${profile.path}${profile.name}`,
    CreateDate: new Date(profile.createdAt),
    Roles: profile.roles.map((name) => toRole(findRole(state, name), context)),
    Tags: toTagList(profile.tags),
  }
}

function pageOf<T>(items: readonly T[], input: {readonly MaxItems?: number; readonly Marker?: string}): Page<T> & {isTruncated: boolean} {
  if (input.MaxItems !== undefined && (input.MaxItems < 1 || input.MaxItems > 1000)) {
    throw errors.validation(String(input.MaxItems), 'maxItems', 'a value between 1 and 1000')
  }

  const page = paginate(items, {
    maxResults: input.MaxItems,
    nextToken: input.Marker,
    defaultSize: 100,
    badToken: () => iamError('InvalidInput', 'Invalid Marker.'),
  })
  return {...page, isTruncated: page.nextToken !== undefined}
}

// ---- roles ------------------------------------------------------------------

function getRole(state: IamState, input: GetRoleCommandInput, context: OperationContext): Result<GetRoleCommandOutput> {
  return {Role: toRole(findRole(state, input.RoleName), context)}
}

function createRole(state: IamState, input: CreateRoleCommandInput, context: OperationContext): Result<CreateRoleCommandOutput> {
  const name = input.RoleName ?? ''
  if (!ROLE_NAME.test(name)) throw errors.validation(name, 'roleName', '[\\w+=,.@-]+')
  const maxSessionDuration = input.MaxSessionDuration ?? 3600
  if (maxSessionDuration < 3600 || maxSessionDuration > 43_200) {
    throw errors.validation(String(maxSessionDuration), 'maxSessionDuration', 'a value between 3600 and 43200')
  }

  if (input.PermissionsBoundary !== undefined) throw new SandboxUnsupportedError('iam', 'CreateRole with PermissionsBoundary')
  if (state.roles.some((role) => sameName(role.name, name))) throw iamError('EntityAlreadyExists', `Role with name ${name} already exists.`)
  const role: IamRoleRecord = {
    name,
    id: uniqueId('AROA', context),
    path: checkPath(input.Path),
    createdAt: context.now,
    trustPolicy: checkDocument(input.AssumeRolePolicyDocument),
    description: input.Description,
    maxSessionDuration,
    attached: [],
    inline: {},
    tags: checkTags(input.Tags),
  }
  state.roles.push(role)
  return {Role: toRole(role, context)}
}

function tagRole(state: IamState, input: TagRoleCommandInput): Result<TagRoleCommandOutput> {
  const role = findRole(state, input.RoleName)
  role.tags = checkTags(input.Tags, role.tags)
  return {}
}

/** What still holds the role; AWS refuses to delete it until each is gone, in this order. */
function deleteRole(state: IamState, input: DeleteRoleCommandInput): Result<DeleteRoleCommandOutput> {
  const role = findRole(state, input.RoleName)
  if (state.instanceProfiles.some((profile) => profile.roles.some((name) => sameName(name, role.name)))) throw errors.profileHasRole()
  if (role.attached.length > 0) throw iamError('DeleteConflict', 'Cannot delete entity, must detach all policies first.')
  if (Object.keys(role.inline).length > 0) throw iamError('DeleteConflict', 'Cannot delete entity, must delete policies first.')
  state.roles = state.roles.filter((candidate) => candidate !== role)
  return {}
}

// ---- managed and inline policies --------------------------------------------------

function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}

function attachRolePolicy(state: IamState, input: AttachRolePolicyCommandInput): Result<AttachRolePolicyCommandOutput> {
  const role = findRole(state, input.RoleName)
  const arn = input.PolicyArn ?? ''
  if (!arn.startsWith('arn:')) throw iamError('InvalidInput', `ARN ${arn} is not valid.`)
  if (!KNOWN_MANAGED_POLICIES.includes(arn)) throw iamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`)
  if (!role.attached.includes(arn)) {
    if (role.attached.length >= 10) throw iamError('LimitExceeded', 'Cannot exceed quota for PoliciesPerRole: 10')
    role.attached.push(arn)
  }

  return {}
}

function detachRolePolicy(state: IamState, input: DetachRolePolicyCommandInput): Result<DetachRolePolicyCommandOutput> {
  const role = findRole(state, input.RoleName)
  const arn = input.PolicyArn ?? ''
  if (!role.attached.includes(arn)) throw iamError('NoSuchEntity', `Policy ${arn} was not found.`)
  role.attached = role.attached.filter((candidate) => candidate !== arn)
  return {}
}

function listAttachedRolePolicies(state: IamState, input: ListAttachedRolePoliciesCommandInput): Result<ListAttachedRolePoliciesCommandOutput> {
  const role = findRole(state, input.RoleName)
  const prefix = input.PathPrefix ?? '/'
  // A managed policy's path is what lies between `policy` and its name: `/` or `/service-role/`.
  const matching = role.attached.filter((arn) => arn.slice(arn.indexOf(':policy') + ':policy'.length, arn.lastIndexOf('/') + 1).startsWith(prefix))
  const page = pageOf(matching, input)
  return {
    AttachedPolicies: page.items.map((arn) => ({PolicyArn: arn, PolicyName: policyName(arn)})),
    IsTruncated: page.isTruncated,
    Marker: page.nextToken,
  }
}

function putRolePolicy(state: IamState, input: PutRolePolicyCommandInput): Result<PutRolePolicyCommandOutput> {
  const role = findRole(state, input.RoleName)
  const name = input.PolicyName ?? ''
  if (!POLICY_NAME.test(name)) throw errors.validation(name, 'policyName', '[\\w+=,.@-]+')
  role.inline[name] = checkDocument(input.PolicyDocument)
  return {}
}

function getRolePolicy(state: IamState, input: GetRolePolicyCommandInput): Result<GetRolePolicyCommandOutput> {
  const role = findRole(state, input.RoleName)
  const name = input.PolicyName ?? ''
  const document = role.inline[name]
  if (document === undefined) throw errors.noSuchRolePolicy(name)
  return {RoleName: role.name, PolicyName: name, PolicyDocument: encoded(document)}
}

function listRolePolicies(state: IamState, input: ListRolePoliciesCommandInput): Result<ListRolePoliciesCommandOutput> {
  const role = findRole(state, input.RoleName)
  const page = pageOf(Object.keys(role.inline).sort(), input)
  return {PolicyNames: page.items, IsTruncated: page.isTruncated, Marker: page.nextToken}
}

function deleteRolePolicy(state: IamState, input: DeleteRolePolicyCommandInput): Result<DeleteRolePolicyCommandOutput> {
  const role = findRole(state, input.RoleName)
  const name = input.PolicyName ?? ''
  if (role.inline[name] === undefined) throw errors.noSuchRolePolicy(name)
  delete role.inline[name]
  return {}
}

// ---- instance profiles ---------------------------------------------------------------

function getInstanceProfile(state: IamState, input: GetInstanceProfileCommandInput, context: OperationContext): Result<GetInstanceProfileCommandOutput> {
  return {InstanceProfile: toProfile(state, findProfile(state, input.InstanceProfileName), context)}
}

function createInstanceProfile(
  state: IamState,
  input: CreateInstanceProfileCommandInput,
  context: OperationContext,
): Result<CreateInstanceProfileCommandOutput> {
  const name = input.InstanceProfileName ?? ''
  if (!PROFILE_NAME.test(name)) throw errors.validation(name, 'instanceProfileName', '[\\w+=,.@-]+')
  if (state.instanceProfiles.some((profile) => sameName(profile.name, name))) {
    throw iamError('EntityAlreadyExists', `Instance Profile ${name} already exists.`)
  }

  const profile: IamInstanceProfileRecord = {
    name,
    id: uniqueId('AIPA', context),
    path: checkPath(input.Path),
    createdAt: context.now,
    roles: [],
    tags: checkTags(input.Tags),
  }
  state.instanceProfiles.push(profile)
  return {InstanceProfile: toProfile(state, profile, context)}
}

function addRoleToInstanceProfile(state: IamState, input: AddRoleToInstanceProfileCommandInput): Result<AddRoleToInstanceProfileCommandOutput> {
  const profile = findProfile(state, input.InstanceProfileName)
  const role = findRole(state, input.RoleName)
  if (profile.roles.length > 0) throw iamError('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1')
  profile.roles.push(role.name)
  return {}
}

function removeRoleFromInstanceProfile(
  state: IamState,
  input: RemoveRoleFromInstanceProfileCommandInput,
): Result<RemoveRoleFromInstanceProfileCommandOutput> {
  const profile = findProfile(state, input.InstanceProfileName)
  const role = findRole(state, input.RoleName)
  if (!profile.roles.some((name) => sameName(name, role.name))) throw errors.noSuchRole(role.name)
  profile.roles = profile.roles.filter((name) => !sameName(name, role.name))
  return {}
}

function deleteInstanceProfile(state: IamState, input: DeleteInstanceProfileCommandInput): Result<DeleteInstanceProfileCommandOutput> {
  const profile = findProfile(state, input.InstanceProfileName)
  if (profile.roles.length > 0) throw errors.profileHasRole()
  state.instanceProfiles = state.instanceProfiles.filter((candidate) => candidate !== profile)
  return {}
}

function listInstanceProfilesForRole(
  state: IamState,
  input: ListInstanceProfilesForRoleCommandInput,
  context: OperationContext,
): Result<ListInstanceProfilesForRoleCommandOutput> {
  const role = findRole(state, input.RoleName)
  const holding = state.instanceProfiles.filter((profile) => profile.roles.some((name) => sameName(name, role.name)))
  const page = pageOf(holding, input)
  return {
    InstanceProfiles: page.items.map((profile) => toProfile(state, profile, context)),
    IsTruncated: page.isTruncated,
    Marker: page.nextToken,
  }
}

// ---- exceptions -----------------------------------------------------------

/** By AWS's query error code; the SDK throws these classes, named `<Code>Exception`. */
const toException = modeledExceptions(
  {
    DeleteConflict: DeleteConflictException,
    EntityAlreadyExists: EntityAlreadyExistsException,
    InvalidInput: InvalidInputException,
    LimitExceeded: LimitExceededException,
    MalformedPolicyDocument: MalformedPolicyDocumentException,
    NoSuchEntity: NoSuchEntityException,
    ServiceFailure: ServiceFailureException,
  },
  IAMServiceException,
  'query',
  {status: STATUS},
)

export const iam = defineService<IamState>({
  name: 'iam',
  throttleError: THROTTLING.query,
  internalError: {code: 'ServiceFailure', message: 'The request processing has failed because of an unknown error, exception or failure.', status: 500},
  slice,
  operations: {
    AddRoleToInstanceProfile: addRoleToInstanceProfile,
    AttachRolePolicy: attachRolePolicy,
    CreateInstanceProfile: createInstanceProfile,
    CreateRole: createRole,
    DeleteInstanceProfile: deleteInstanceProfile,
    DeleteRole: deleteRole,
    DeleteRolePolicy: deleteRolePolicy,
    DetachRolePolicy: detachRolePolicy,
    GetInstanceProfile: getInstanceProfile,
    GetRole: getRole,
    GetRolePolicy: getRolePolicy,
    ListAttachedRolePolicies: listAttachedRolePolicies,
    ListInstanceProfilesForRole: listInstanceProfilesForRole,
    ListRolePolicies: listRolePolicies,
    PutRolePolicy: putRolePolicy,
    RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
    TagRole: tagRole,
  },
  toException,
})
