/** The IAM calls hactl makes: the instance role and profile, and the EB service role. */
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRolePolicies,
  type IAMClient,
  type InstanceProfile,
  type Role,
} from '@aws-sdk/client-iam'

import {AwsError} from '../core/errors'
import type {ApiContext, Tags} from './types'
import {awsCall, hasAwsCode} from './errors'
import {tagList} from './resource-calls'

export interface IamApi {
  getRole(name: string): Promise<Role | undefined>
  /** Creates a role with the trust policy (JSON); returns false if it existed. */
  createRole(input: {name: string; trustPolicy: string; description: string; tags: Tags}): Promise<boolean>
  /** Managed policy ARNs attached to the role. */
  attachedPolicies(roleName: string): Promise<string[]>
  attachRolePolicy(roleName: string, policyArn: string): Promise<void>
  /** Inline policy (JSON), created or replaced. */
  putRolePolicy(roleName: string, policyName: string, document: string): Promise<void>
  getInstanceProfile(name: string): Promise<InstanceProfile | undefined>
  /** Creates the profile if missing and adds the role if not in it. */
  ensureInstanceProfile(name: string, roleName: string, tags: Tags): Promise<InstanceProfile>
  /** Detaches policies, deletes inline policies, removes from profiles and deletes the role. */
  deleteRole(name: string): Promise<void>
  deleteInstanceProfile(name: string): Promise<void>
}

/**
 * The SDK names IAM's errors `<AWS code>Exception` (`NoSuchEntityException`
 * for AWS's `NoSuchEntity`); both spellings are accepted so a mock or another
 * endpoint that keeps AWS's bare code is understood too.
 */
const NO_SUCH_ENTITY = ['NoSuchEntityException', 'NoSuchEntity']
const ALREADY_EXISTS = ['EntityAlreadyExistsException', 'EntityAlreadyExists']
const LIMIT_EXCEEDED = ['LimitExceededException', 'LimitExceeded']


export function createIamApi(client: IAMClient, _context: ApiContext): IamApi {
  /** Runs one call; AWS's NoSuchEntity becomes `undefined`, anything else is translated. */
  async function unlessMissing<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call()
    } catch (error) {
      if (hasAwsCode(error, ...NO_SUCH_ENTITY)) return undefined
      return awsCall(operation, () => Promise.reject(error))
    }
  }

  async function getRole(name: string): Promise<Role | undefined> {
    const out = await unlessMissing('iam:GetRole', () => client.send(new GetRoleCommand({RoleName: name})))
    return out?.Role
  }

  async function getInstanceProfile(name: string): Promise<InstanceProfile | undefined> {
    const out = await unlessMissing('iam:GetInstanceProfile', () => client.send(new GetInstanceProfileCommand({InstanceProfileName: name})))
    return out?.InstanceProfile
  }

  async function attachedPolicies(roleName: string): Promise<string[]> {
    return awsCall('iam:ListAttachedRolePolicies', async () => {
      const found: string[] = []
      for await (const page of paginateListAttachedRolePolicies({client}, {RoleName: roleName})) {
        found.push(...(page.AttachedPolicies ?? []).flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])))
      }

      return found
    })
  }

  async function inlinePolicies(roleName: string): Promise<string[]> {
    return awsCall('iam:ListRolePolicies', async () => {
      const found: string[] = []
      for await (const page of paginateListRolePolicies({client}, {RoleName: roleName})) found.push(...(page.PolicyNames ?? []))
      return found
    })
  }

  async function profilesOf(roleName: string): Promise<string[]> {
    return awsCall('iam:ListInstanceProfilesForRole', async () => {
      const found: string[] = []
      for await (const page of paginateListInstanceProfilesForRole({client}, {RoleName: roleName})) {
        found.push(...(page.InstanceProfiles ?? []).flatMap((profile) => (profile.InstanceProfileName ? [profile.InstanceProfileName] : [])))
      }

      return found
    })
  }

  /** The profile, which must exist: one deleted under us fails with AWS's own NoSuchEntity. */
  async function requireProfile(name: string): Promise<InstanceProfile> {
    const out = await awsCall('iam:GetInstanceProfile', () => client.send(new GetInstanceProfileCommand({InstanceProfileName: name})))
    if (!out.InstanceProfile) {
      throw new AwsError('NoSuchEntityException', `iam:GetInstanceProfile: instance profile ${name} was not returned`, {operation: 'iam:GetInstanceProfile'})
    }

    return out.InstanceProfile
  }

  /** Creates the profile; another process creating it first is as good. */
  async function createProfile(name: string, tags: Tags): Promise<void> {
    try {
      await client.send(new CreateInstanceProfileCommand({InstanceProfileName: name, Tags: tagList(tags)}))
    } catch (error) {
      if (hasAwsCode(error, ...ALREADY_EXISTS)) return
      await awsCall('iam:CreateInstanceProfile', () => Promise.reject(error))
    }
  }

  /** Adds the role; a profile that already has a role (its quota is one) is left as it is. */
  async function addRole(name: string, roleName: string): Promise<void> {
    try {
      await client.send(new AddRoleToInstanceProfileCommand({InstanceProfileName: name, RoleName: roleName}))
    } catch (error) {
      if (hasAwsCode(error, ...LIMIT_EXCEEDED)) return
      await awsCall('iam:AddRoleToInstanceProfile', () => Promise.reject(error))
    }
  }

  return {
    attachedPolicies,

    async attachRolePolicy(roleName, policyArn) {
      await awsCall('iam:AttachRolePolicy', () => client.send(new AttachRolePolicyCommand({PolicyArn: policyArn, RoleName: roleName})))
    },

    async createRole(input) {
      try {
        await client.send(
          new CreateRoleCommand({
            AssumeRolePolicyDocument: input.trustPolicy,
            Description: input.description,
            RoleName: input.name,
            Tags: tagList(input.tags),
          }),
        )
        return true
      } catch (error) {
        if (hasAwsCode(error, ...ALREADY_EXISTS)) return false
        return awsCall('iam:CreateRole', () => Promise.reject(error))
      }
    },

    async deleteInstanceProfile(name) {
      const profile = await getInstanceProfile(name)
      if (!profile) return
      for (const role of profile.Roles ?? []) {
        const roleName = role.RoleName ?? ''
        await unlessMissing('iam:RemoveRoleFromInstanceProfile', () =>
          client.send(new RemoveRoleFromInstanceProfileCommand({InstanceProfileName: name, RoleName: roleName})),
        )
      }

      await unlessMissing('iam:DeleteInstanceProfile', () => client.send(new DeleteInstanceProfileCommand({InstanceProfileName: name})))
    },

    async deleteRole(name) {
      if (!(await getRole(name))) return
      for (const policyArn of await attachedPolicies(name)) {
        await unlessMissing('iam:DetachRolePolicy', () => client.send(new DetachRolePolicyCommand({PolicyArn: policyArn, RoleName: name})))
      }

      for (const policyName of await inlinePolicies(name)) {
        await unlessMissing('iam:DeleteRolePolicy', () => client.send(new DeleteRolePolicyCommand({PolicyName: policyName, RoleName: name})))
      }

      for (const profileName of await profilesOf(name)) {
        await unlessMissing('iam:RemoveRoleFromInstanceProfile', () =>
          client.send(new RemoveRoleFromInstanceProfileCommand({InstanceProfileName: profileName, RoleName: name})),
        )
      }

      await unlessMissing('iam:DeleteRole', () => client.send(new DeleteRoleCommand({RoleName: name})))
    },

    async ensureInstanceProfile(name, roleName, tags) {
      if (!(await getInstanceProfile(name))) await createProfile(name, tags)
      const profile = await requireProfile(name)
      if ((profile.Roles ?? []).length > 0) return profile
      await addRole(name, roleName)
      return requireProfile(name)
    },

    getInstanceProfile,
    getRole,

    async putRolePolicy(roleName, policyName, document) {
      await awsCall('iam:PutRolePolicy', () =>
        client.send(new PutRolePolicyCommand({PolicyDocument: document, PolicyName: policyName, RoleName: roleName})),
      )
    },
  }
}
