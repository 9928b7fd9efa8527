/** The factory's IAM interface against the sandbox (ManualClock: nothing sleeps in real time). */

import {ManualClock} from '../../../src/core/clock'
import {AwsError} from '../../../src/core/errors'
import {sandboxClients, useTempDir} from '../../_helpers/sandbox-dir'

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}],
})
const WEB_TIER = 'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier'
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'
const tags = {'hactl:role': 'instance-role', 'hactl:site': 'demo'}

describe('IAM through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-iam-')

  async function iamApi(faults: string[] = []) {
    return sandboxClients(sandboxDir.path, {clock: new ManualClock(), faults}).aws.iam()
  }

  it('sets up the instance role and profile idempotently', async () => {
    const iam = await iamApi()
    expect(await iam.getRole('demo-ec2')).toBeUndefined()
    expect(await iam.createRole({description: 'hactl demo instances', name: 'demo-ec2', tags, trustPolicy: TRUST})).toBe(true)
    expect(await iam.createRole({description: 'hactl demo instances', name: 'demo-ec2', tags, trustPolicy: TRUST})).toBe(false)
    const role = await iam.getRole('demo-ec2')
    expect(role?.Arn).toBe('arn:aws:iam::123456789012:role/demo-ec2')
    // IAM hands policy documents back URL-encoded.
    expect(JSON.parse(decodeURIComponent(role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(TRUST))

    await iam.attachRolePolicy('demo-ec2', WEB_TIER)
    await iam.attachRolePolicy('demo-ec2', SSM_CORE)
    await iam.attachRolePolicy('demo-ec2', SSM_CORE)
    expect(await iam.attachedPolicies('demo-ec2')).toEqual([WEB_TIER, SSM_CORE])
    await iam.putRolePolicy('demo-ec2', 'read-secrets', JSON.stringify({Version: '2012-10-17', Statement: []}))

    expect(await iam.getInstanceProfile('demo-ec2')).toBeUndefined()
    const profile = await iam.ensureInstanceProfile('demo-ec2', 'demo-ec2', tags)
    expect(profile.Arn).toBe('arn:aws:iam::123456789012:instance-profile/demo-ec2')
    expect(profile.Roles?.map((r) => r.RoleName)).toEqual(['demo-ec2'])
    expect((await iam.ensureInstanceProfile('demo-ec2', 'demo-ec2', tags)).InstanceProfileId).toBe(profile.InstanceProfileId)
    expect((await iam.getInstanceProfile('demo-ec2'))?.Tags).toEqual([
      {Key: 'hactl:role', Value: 'instance-role'},
      {Key: 'hactl:site', Value: 'demo'},
    ])
  })

  it('deleteRole detaches, deletes inline policies, leaves the profile, then deletes the role; twice is fine', async () => {
    const iam = await iamApi()
    await iam.createRole({description: 'd', name: 'demo-ec2', tags, trustPolicy: TRUST})
    await iam.attachRolePolicy('demo-ec2', WEB_TIER)
    await iam.putRolePolicy('demo-ec2', 'inline', '{}')
    await iam.ensureInstanceProfile('demo-ec2', 'demo-ec2', tags)
    await iam.deleteRole('demo-ec2')
    expect(await iam.getRole('demo-ec2')).toBeUndefined()
    expect((await iam.getInstanceProfile('demo-ec2'))?.Roles).toEqual([])
    await iam.deleteRole('demo-ec2')
    await iam.deleteInstanceProfile('demo-ec2')
    expect(await iam.getInstanceProfile('demo-ec2')).toBeUndefined()
    await iam.deleteInstanceProfile('demo-ec2')
  })

  it('deleteInstanceProfile removes its role first', async () => {
    const iam = await iamApi()
    await iam.createRole({description: 'd', name: 'r', tags, trustPolicy: TRUST})
    await iam.ensureInstanceProfile('p', 'r', tags)
    await iam.deleteInstanceProfile('p')
    expect(await iam.getInstanceProfile('p')).toBeUndefined()
    expect(await iam.getRole('r')).toBeDefined()
  })

  it('reports AWS errors as AwsErrors with the SDK\'s code', async () => {
    const iam = await iamApi()
    await iam.createRole({description: 'd', name: 'r', tags, trustPolicy: TRUST})
    const unknown = iam.attachRolePolicy('r', 'arn:aws:iam::aws:policy/NoSuchPolicy')
    await expect(unknown).rejects.toBeInstanceOf(AwsError)
    await expect(unknown).rejects.toMatchObject({awsCode: 'NoSuchEntityException'})
    await expect(iam.putRolePolicy('r', 'bad', 'not json')).rejects.toMatchObject({awsCode: 'MalformedPolicyDocumentException'})
    await expect(iam.ensureInstanceProfile('p', 'missing-role', tags)).rejects.toMatchObject({awsCode: 'NoSuchEntityException'})
    await expect(iam.createRole({description: 'd', name: 'bad name', tags, trustPolicy: TRUST})).rejects.toMatchObject({awsCode: 'ValidationError'})
  })
})
