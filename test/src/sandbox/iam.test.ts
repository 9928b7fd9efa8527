import * as IAM from '@aws-sdk/client-iam'
import * as fs from 'node:fs'
import * as path from 'node:path'


import type {SandboxOptions} from '../../../src/sandbox'
import {clientOn, manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}],
})
const WEB_TIER = 'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier'
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'

function sandbox(options: Partial<SandboxOptions> = {}) {
  const base = manualSandbox(options)
  return {...base, iam: clientOn(base.handle, IAM.IAMClient, 'iam', {region: 'us-east-1'})}
}

async function role(iam: IAM.IAMClient, name = 'demo-ec2'): Promise<void> {
  await iam.send(new IAM.CreateRoleCommand({RoleName: name, AssumeRolePolicyDocument: TRUST, Description: 'demo', Tags: [{Key: 'hactl:site', Value: 'demo'}]}))
}

describe('sandbox IAM roles', () => {
  it('creates and gets a role (AROA id, ARN, URL-encoded trust policy, tags)', async () => {
    const {iam, clock} = sandbox()
    const created = await iam.send(new IAM.CreateRoleCommand({RoleName: 'demo-ec2', AssumeRolePolicyDocument: TRUST, Description: 'demo'}))
    expect(created.Role).toMatchObject({RoleName: 'demo-ec2', Path: '/', Arn: 'arn:aws:iam::123456789012:role/demo-ec2', MaxSessionDuration: 3600})
    expect(created.Role?.RoleId).toMatch(/^AROA[0-9A-Z]{17}$/)
    await iam.send(new IAM.TagRoleCommand({RoleName: 'demo-ec2', Tags: [{Key: 'hactl:site', Value: 'demo'}]}))
    const {Role} = await iam.send(new IAM.GetRoleCommand({RoleName: 'demo-ec2'}))
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(TRUST)
    expect(Role?.Tags).toEqual([{Key: 'hactl:site', Value: 'demo'}])
    expect(Role?.CreateDate?.getTime()).toBe(clock.now())
  })

  it('EntityAlreadyExists (names ignore case), MalformedPolicyDocument, NoSuchEntity in AWS words', async () => {
    const {iam} = sandbox()
    await role(iam)
    const exists = await iam.send(new IAM.CreateRoleCommand({RoleName: 'DEMO-EC2', AssumeRolePolicyDocument: TRUST})).catch((e: unknown) => e)
    expect(exists).toBeInstanceOf(IAM.EntityAlreadyExistsException)
    expect(exists).toMatchObject({name: 'EntityAlreadyExistsException', Code: 'EntityAlreadyExists', $metadata: {httpStatusCode: 409}})
    await expect(iam.send(new IAM.CreateRoleCommand({RoleName: 'x', AssumeRolePolicyDocument: '{not json'}))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    })
    const missing = await iam.send(new IAM.GetRoleCommand({RoleName: 'nope'})).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(IAM.NoSuchEntityException)
    expect(missing).toMatchObject({message: 'The role with name nope cannot be found.', Code: 'NoSuchEntity', $metadata: {httpStatusCode: 404}})
  })

  it('attaches known AWS managed policies only, lists and detaches them', async () => {
    const {iam} = sandbox()
    await role(iam)
    await iam.send(new IAM.AttachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: WEB_TIER}))
    await iam.send(new IAM.AttachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: SSM_CORE}))
    await iam.send(new IAM.AttachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth'}))
    await expect(iam.send(new IAM.AttachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: 'arn:aws:iam::aws:policy/MadeUp'}))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'Policy arn:aws:iam::aws:policy/MadeUp does not exist or is not attachable.',
    })
    const listed = await iam.send(new IAM.ListAttachedRolePoliciesCommand({RoleName: 'demo-ec2'}))
    expect(listed.AttachedPolicies).toEqual([
      {PolicyArn: WEB_TIER, PolicyName: 'AWSElasticBeanstalkWebTier'},
      {PolicyArn: SSM_CORE, PolicyName: 'AmazonSSMManagedInstanceCore'},
      {PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth', PolicyName: 'AWSElasticBeanstalkEnhancedHealth'},
    ])
    expect(listed.IsTruncated).toBe(false)
    const serviceRole = await iam.send(new IAM.ListAttachedRolePoliciesCommand({RoleName: 'demo-ec2', PathPrefix: '/service-role/'}))
    expect(serviceRole.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['AWSElasticBeanstalkEnhancedHealth'])
    const paged: string[] = []
    for await (const page of IAM.paginateListAttachedRolePolicies({client: iam, pageSize: 2}, {RoleName: 'demo-ec2'})) {
      paged.push(...page.AttachedPolicies!.map((p) => p.PolicyName!))
    }

    expect(paged).toHaveLength(3)
    await iam.send(new IAM.DetachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: SSM_CORE}))
    await expect(iam.send(new IAM.DetachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: SSM_CORE}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })

  it('puts, gets (URL-encoded), lists and deletes inline policies', async () => {
    const {iam} = sandbox()
    await role(iam)
    const document = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*'}]})
    await iam.send(new IAM.PutRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'read-secrets', PolicyDocument: document}))
    const got = await iam.send(new IAM.GetRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'read-secrets'}))
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(document)
    expect((await iam.send(new IAM.ListRolePoliciesCommand({RoleName: 'demo-ec2'}))).PolicyNames).toEqual(['read-secrets'])
    await expect(iam.send(new IAM.PutRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'bad', PolicyDocument: '[1'}))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    })
    await iam.send(new IAM.DeleteRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'read-secrets'}))
    await expect(iam.send(new IAM.GetRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'read-secrets'}))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role policy with name read-secrets cannot be found.',
    })
  })

  it('refuses DeleteRole while policies are attached, inline policies exist or a profile holds it (DeleteConflict)', async () => {
    const {iam} = sandbox()
    await role(iam)
    await iam.send(new IAM.CreateInstanceProfileCommand({InstanceProfileName: 'demo-ec2'}))
    await iam.send(new IAM.AddRoleToInstanceProfileCommand({InstanceProfileName: 'demo-ec2', RoleName: 'demo-ec2'}))
    await iam.send(new IAM.AttachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: WEB_TIER}))
    await iam.send(new IAM.PutRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'p', PolicyDocument: '{}'}))
    const conflict = (message: string) => ({name: 'DeleteConflictException', message, $metadata: {httpStatusCode: 409}})
    await expect(iam.send(new IAM.DeleteRoleCommand({RoleName: 'demo-ec2'}))).rejects.toMatchObject(
      conflict('Cannot delete entity, must remove roles from instance profile first.'),
    )
    await iam.send(new IAM.RemoveRoleFromInstanceProfileCommand({InstanceProfileName: 'demo-ec2', RoleName: 'demo-ec2'}))
    await expect(iam.send(new IAM.DeleteRoleCommand({RoleName: 'demo-ec2'}))).rejects.toMatchObject(conflict('Cannot delete entity, must detach all policies first.'))
    await iam.send(new IAM.DetachRolePolicyCommand({RoleName: 'demo-ec2', PolicyArn: WEB_TIER}))
    await expect(iam.send(new IAM.DeleteRoleCommand({RoleName: 'demo-ec2'}))).rejects.toMatchObject(conflict('Cannot delete entity, must delete policies first.'))
    await iam.send(new IAM.DeleteRolePolicyCommand({RoleName: 'demo-ec2', PolicyName: 'p'}))
    await iam.send(new IAM.DeleteRoleCommand({RoleName: 'demo-ec2'}))
    await expect(iam.send(new IAM.GetRoleCommand({RoleName: 'demo-ec2'}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })
})

describe('sandbox IAM instance profiles', () => {
  it('creates a profile, adds one role (LimitExceeded for a second), lists profiles for the role', async () => {
    const {iam} = sandbox()
    await role(iam)
    await role(iam, 'other')
    const created = await iam.send(new IAM.CreateInstanceProfileCommand({InstanceProfileName: 'demo-ec2', Tags: [{Key: 'hactl:site', Value: 'demo'}]}))
    expect(created.InstanceProfile).toMatchObject({Arn: 'arn:aws:iam::123456789012:instance-profile/demo-ec2', Roles: []})
    expect(created.InstanceProfile?.InstanceProfileId).toMatch(/^AIPA[0-9A-Z]{17}$/)
    await expect(iam.send(new IAM.CreateInstanceProfileCommand({InstanceProfileName: 'demo-ec2'}))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
    })
    await iam.send(new IAM.AddRoleToInstanceProfileCommand({InstanceProfileName: 'demo-ec2', RoleName: 'demo-ec2'}))
    await expect(iam.send(new IAM.AddRoleToInstanceProfileCommand({InstanceProfileName: 'demo-ec2', RoleName: 'other'}))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
    })
    const {InstanceProfile} = await iam.send(new IAM.GetInstanceProfileCommand({InstanceProfileName: 'demo-ec2'}))
    expect(InstanceProfile?.Roles?.map((r) => r.RoleName)).toEqual(['demo-ec2'])
    const forRole = await iam.send(new IAM.ListInstanceProfilesForRoleCommand({RoleName: 'demo-ec2'}))
    expect(forRole.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(['demo-ec2'])

    await expect(iam.send(new IAM.DeleteInstanceProfileCommand({InstanceProfileName: 'demo-ec2'}))).rejects.toMatchObject({name: 'DeleteConflictException'})
    await iam.send(new IAM.RemoveRoleFromInstanceProfileCommand({InstanceProfileName: 'demo-ec2', RoleName: 'demo-ec2'}))
    await iam.send(new IAM.DeleteInstanceProfileCommand({InstanceProfileName: 'demo-ec2'}))
    await expect(iam.send(new IAM.GetInstanceProfileCommand({InstanceProfileName: 'demo-ec2'}))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'Instance Profile demo-ec2 cannot be found.',
    })
  })

  it('throttles with Throttling (retried by the SDK) and fails with ServiceFailure (500)', async () => {
    const throttled = sandbox({faults: ['throttle:iam:GetRole']})
    await role(throttled.iam)
    expect((await throttled.iam.send(new IAM.GetRoleCommand({RoleName: 'demo-ec2'}))).$metadata.attempts).toBe(2)
    const failing = sandbox({faults: ['fail:iam:GetRole']})
    await expect(failing.iam.send(new IAM.GetRoleCommand({RoleName: 'x'}))).rejects.toMatchObject({
      name: 'ServiceFailureException',
      $fault: 'server',
      $metadata: {httpStatusCode: 500},
    })
  })
})

describe('sandbox IAM is account-wide, as on AWS (issue 8, found by trying 15)', () => {
  it('a role made from one region exists in every other, and is not stored per region', async () => {
    const west = sandbox({region: 'eu-west-1'})
    await role(west.iam, 'shared-role')
    const east = sandbox({region: 'us-east-2', stateDir: west.stateDir, clock: west.clock})
    expect((await east.iam.send(new IAM.GetRoleCommand({RoleName: 'shared-role'}))).Role?.RoleName).toBe('shared-role')
    await expect(role(east.iam, 'shared-role')).rejects.toBeInstanceOf(IAM.EntityAlreadyExistsException)

    const state = JSON.parse(fs.readFileSync(path.join(west.stateDir, 'sandbox.json'), 'utf8'))
    expect(state.accountWide.iam.roles.map((r: {name: string}) => r.name)).toEqual(['shared-role'])
    for (const region of Object.values(state.regions) as Array<Record<string, unknown>>) expect(region.iam).toBeUndefined()
  })

  it('moves IAM kept per region by an older state file to the account, merged by name', async () => {
    const first = sandbox({region: 'eu-west-1'})
    await role(first.iam, 'old-role')
    const file = path.join(first.stateDir, 'sandbox.json')
    const state = JSON.parse(fs.readFileSync(file, 'utf8'))
    const {iam} = state.accountWide
    delete state.accountWide
    state.regions['eu-west-1'].iam = iam
    state.regions['us-east-2'] = {iam}
    fs.writeFileSync(file, JSON.stringify(state))

    const again = sandbox({region: 'us-east-2', stateDir: first.stateDir, clock: first.clock})
    expect((await again.iam.send(new IAM.GetRoleCommand({RoleName: 'old-role'}))).Role?.RoleName).toBe('old-role')
    await role(again.iam, 'new-role')
    const after = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(after.accountWide.iam.roles.map((r: {name: string}) => r.name)).toEqual(['old-role', 'new-role'])
    expect(after.regions['eu-west-1'].iam).toBeUndefined()
  })
})
