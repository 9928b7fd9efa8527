import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListSecrets,
} from '@aws-sdk/client-secrets-manager'

import type {SandboxOptions} from '../../../src/sandbox'
import {clientOn, manualSandbox, removeTempStateDirs, REGION} from './clients'

afterAll(removeTempStateDirs)

const DAY = 24 * 60 * 60_000
/** ClientRequestToken must be 32–64 characters, as AWS requires. */
const TOKEN = 'hactl-demo-cache-auth-0000000001'

function sandbox(options: Partial<SandboxOptions> = {}) {
  const base = manualSandbox(options)
  return {...base, secrets: clientOn(base.handle, SecretsManagerClient, 'secretsmanager')}
}

describe('sandbox Secrets Manager', () => {
  it('creates a secret (ARN with a 6-character suffix), describes it without the value, and gets the value', async () => {
    const {secrets, clock} = sandbox()
    const created = await secrets.send(
      new CreateSecretCommand({
        Name: 'hactl/demo/cache-auth',
        SecretString: 's3cret-value',
        ClientRequestToken: TOKEN,
        Description: 'cache AUTH token',
        Tags: [{Key: 'hactl:site', Value: 'demo'}],
      }),
    )
    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:123456789012:secret:hactl/demo/cache-auth-[A-Za-z0-9]{6}$`))
    expect(created.VersionId).toBe(TOKEN)

    const described = await secrets.send(new DescribeSecretCommand({SecretId: 'hactl/demo/cache-auth'}))
    expect(described).toMatchObject({
      ARN: created.ARN,
      Name: 'hactl/demo/cache-auth',
      Description: 'cache AUTH token',
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
      VersionIdsToStages: {[TOKEN]: ['AWSCURRENT']},
    })
    expect(JSON.stringify(described)).not.toContain('s3cret-value')
    expect(described.CreatedDate?.getTime()).toBe(clock.now())

    // By full ARN and by partial ARN (without the suffix).
    for (const id of [created.ARN!, created.ARN!.slice(0, -7)]) {
      const value = await secrets.send(new GetSecretValueCommand({SecretId: id}))
      expect(value).toMatchObject({SecretString: 's3cret-value', VersionId: TOKEN, VersionStages: ['AWSCURRENT']})
    }
  })

  it('is idempotent for the same ClientRequestToken and value; otherwise ResourceExistsException', async () => {
    const {secrets} = sandbox()
    const input = {Name: 'x', SecretString: 'v', ClientRequestToken: TOKEN}
    const first = await secrets.send(new CreateSecretCommand(input))
    const again = await secrets.send(new CreateSecretCommand(input))
    expect(again).toMatchObject({ARN: first.ARN, VersionId: TOKEN})
    const error = await secrets.send(new CreateSecretCommand({...input, SecretString: 'other'})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResourceExistsException)
    expect(error).toMatchObject({message: 'The operation failed because the secret x already exists.'})
    await expect(secrets.send(new CreateSecretCommand({Name: 'x', SecretString: 'v'}))).rejects.toMatchObject({name: 'ResourceExistsException'})
    await expect(secrets.send(new CreateSecretCommand({Name: 'y', SecretString: 'v', ClientRequestToken: 'short'}))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    })
    await expect(secrets.send(new CreateSecretCommand({Name: 'bad name!', SecretString: 'v'}))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    })
  })

  it('answers an unknown secret with ResourceNotFoundException', async () => {
    const {secrets} = sandbox()
    const error = await secrets.send(new GetSecretValueCommand({SecretId: 'nope'})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResourceNotFoundException)
    expect(error).toMatchObject({message: "Secrets Manager can't find the specified secret.", $metadata: {httpStatusCode: 400}})
    await expect(secrets.send(new DescribeSecretCommand({SecretId: 'nope'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })

  it('schedules deletion (DeletedDate), refuses the value meanwhile, restores, and forgets it after the window', async () => {
    const {secrets, clock} = sandbox()
    await secrets.send(new CreateSecretCommand({Name: 'db', SecretString: 'v'}))
    await expect(secrets.send(new DeleteSecretCommand({SecretId: 'db', RecoveryWindowInDays: 3}))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    })
    await expect(secrets.send(new DeleteSecretCommand({SecretId: 'db', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true}))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    })
    const deleted = await secrets.send(new DeleteSecretCommand({SecretId: 'db', RecoveryWindowInDays: 7}))
    expect(deleted.DeletionDate?.getTime()).toBe(clock.now() + 7 * DAY)
    expect((await secrets.send(new DescribeSecretCommand({SecretId: 'db'}))).DeletedDate?.getTime()).toBe(clock.now())
    await expect(secrets.send(new GetSecretValueCommand({SecretId: 'db'}))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    })
    await expect(secrets.send(new CreateSecretCommand({Name: 'db', SecretString: 'v'}))).rejects.toMatchObject({name: 'InvalidRequestException'})
    expect((await secrets.send(new ListSecretsCommand({}))).SecretList).toEqual([])
    expect((await secrets.send(new ListSecretsCommand({IncludePlannedDeletion: true}))).SecretList?.map((s) => s.Name)).toEqual(['db'])

    await secrets.send(new RestoreSecretCommand({SecretId: 'db'}))
    expect((await secrets.send(new GetSecretValueCommand({SecretId: 'db'}))).SecretString).toBe('v')

    await secrets.send(new DeleteSecretCommand({SecretId: 'db'}))
    clock.advance(30 * DAY)
    await expect(secrets.send(new DescribeSecretCommand({SecretId: 'db'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })

  it('deletes at once with ForceDeleteWithoutRecovery', async () => {
    const {secrets} = sandbox()
    await secrets.send(new CreateSecretCommand({Name: 'tmp', SecretString: 'v'}))
    await secrets.send(new DeleteSecretCommand({SecretId: 'tmp', ForceDeleteWithoutRecovery: true}))
    await expect(secrets.send(new DescribeSecretCommand({SecretId: 'tmp'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })

  it('generates random passwords by the rules', async () => {
    const {secrets} = sandbox()
    const plain = await secrets.send(new GetRandomPasswordCommand({}))
    expect(plain.RandomPassword).toHaveLength(32)
    const noPunctuation = await secrets.send(new GetRandomPasswordCommand({PasswordLength: 64, ExcludePunctuation: true}))
    expect(noPunctuation.RandomPassword).toMatch(/^[A-Za-z0-9]{64}$/)
    // RequireEachIncludedType (default true): every included type appears.
    expect(noPunctuation.RandomPassword).toMatch(/[a-z]/)
    expect(noPunctuation.RandomPassword).toMatch(/[A-Z]/)
    expect(noPunctuation.RandomPassword).toMatch(/[0-9]/)
    const digits = await secrets.send(new GetRandomPasswordCommand({PasswordLength: 10, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeCharacters: '0'}))
    expect(digits.RandomPassword).toMatch(/^[1-9]{10}$/)
    expect((await secrets.send(new GetRandomPasswordCommand({}))).RandomPassword).not.toBe(plain.RandomPassword)
    await expect(secrets.send(new GetRandomPasswordCommand({PasswordLength: 0}))).rejects.toMatchObject({name: 'InvalidParameterException'})
    await expect(
      secrets.send(new GetRandomPasswordCommand({ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true})),
    ).rejects.toMatchObject({name: 'InvalidParameterException'})
  })

  it('tags, and lists with name / tag filters (prefix, ! negates) in pages', async () => {
    const {secrets} = sandbox()
    for (const name of ['hactl/a', 'hactl/b', 'other/c']) await secrets.send(new CreateSecretCommand({Name: name, SecretString: 'v'}))
    await secrets.send(new TagResourceCommand({SecretId: 'hactl/a', Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'tmp', Value: '1'}]}))
    await secrets.send(new UntagResourceCommand({SecretId: 'hactl/a', TagKeys: ['tmp']}))
    const names = async (filters: Array<{Key: 'name' | 'tag-key' | 'tag-value'; Values: string[]}>) =>
      (await secrets.send(new ListSecretsCommand({Filters: filters, SortOrder: 'asc'}))).SecretList?.map((s) => s.Name)
    expect(await names([{Key: 'name', Values: ['hactl/']}])).toEqual(['hactl/a', 'hactl/b'])
    expect(await names([{Key: 'name', Values: ['!hactl/']}])).toEqual(['other/c'])
    expect(await names([{Key: 'tag-key', Values: ['hactl:site']}, {Key: 'tag-value', Values: ['demo']}])).toEqual(['hactl/a'])
    expect(await names([{Key: 'name', Values: ['Hactl/']}])).toEqual([])

    const all: string[] = []
    for await (const page of paginateListSecrets({client: secrets, pageSize: 2}, {SortOrder: 'asc'})) all.push(...page.SecretList!.map((s) => s.Name!))
    expect(all).toEqual(['hactl/a', 'hactl/b', 'other/c'])
    await expect(secrets.send(new ListSecretsCommand({NextToken: 'junk'}))).rejects.toMatchObject({name: 'InvalidNextTokenException'})
  })

  it('throttles with ThrottlingException, retried by the SDK; fails with InternalServiceError (500)', async () => {
    const throttled = sandbox({faults: ['throttle:secretsmanager:ListSecrets']})
    expect((await throttled.secrets.send(new ListSecretsCommand({}))).$metadata.attempts).toBe(2)
    const failing = sandbox({faults: ['fail:secretsmanager:GetRandomPassword']})
    await expect(failing.secrets.send(new GetRandomPasswordCommand({}))).rejects.toMatchObject({
      name: 'InternalServiceError',
      $metadata: {httpStatusCode: 500},
    })
  })
})
