/** The factory's Secrets Manager interface against the sandbox (ManualClock: nothing sleeps in real time). */
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {ManualClock} from '../../../src/core/clock'
import {AwsError} from '../../../src/core/errors'
import {sandboxClients, useTempDir} from '../../_helpers/sandbox-dir'

const DAY = 24 * 60 * 60_000
const TOKEN = 'hactl-demo-cache-auth-token-000001'

describe('Secrets Manager through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-secrets-')

  function clients() {
    const clock = new ManualClock()
    return {...sandboxClients(sandboxDir.path, {clock}), clock}
  }

  const input = {
    clientRequestToken: TOKEN,
    description: 'ElastiCache AUTH token for demo',
    excludePunctuation: true,
    length: 64,
    name: 'hactl/demo/cache-auth',
    tags: {'hactl:role': 'cache-auth', 'hactl:site': 'demo'},
  }

  it('creates a generated secret, reads it back, and a re-run returns the same ARN and value', async () => {
    const {aws, reporter} = clients()
    const secrets = await aws.secrets()
    expect(await secrets.describeSecret(input.name)).toBeUndefined()
    const arn = await secrets.createGeneratedSecret(input)
    expect(arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl\/demo\/cache-auth-[A-Za-z0-9]{6}$/)
    const value = await secrets.getSecretValue(arn)
    expect(value).toMatch(/^[A-Za-z0-9]{64}$/)

    // GetRandomPassword gives a new value each run; the existing secret wins and keeps its value.
    expect(await secrets.createGeneratedSecret(input)).toBe(arn)
    expect(await secrets.createGeneratedSecret({...input, clientRequestToken: `${TOKEN}-2`})).toBe(arn)
    expect(await secrets.getSecretValue(input.name)).toBe(value)
    expect(await secrets.describeSecret(input.name)).toEqual({arn, deletedDate: undefined, name: input.name})

    // Nothing hactl reports carries the value.
    expect(JSON.stringify(reporter.events)).not.toContain(value)
  })

  it('deletes with a 7-day recovery window; a re-run of create restores it; deleting twice is fine', async () => {
    const {aws, clock} = clients()
    const secrets = await aws.secrets()
    const arn = await secrets.createGeneratedSecret(input)
    const value = await secrets.getSecretValue(arn)
    await secrets.deleteSecret(arn)
    await secrets.deleteSecret(arn)
    expect((await secrets.describeSecret(input.name))?.deletedDate?.getTime()).toBe(clock.now())
    await expect(secrets.getSecretValue(arn)).rejects.toMatchObject({awsCode: 'InvalidRequestException'})

    expect(await secrets.createGeneratedSecret(input)).toBe(arn)
    expect((await secrets.describeSecret(input.name))?.deletedDate).toBeUndefined()
    expect(await secrets.getSecretValue(arn)).toBe(value)

    await secrets.deleteSecret(arn)
    clock.advance(7 * DAY)
    expect(await secrets.describeSecret(input.name)).toBeUndefined()
    await secrets.deleteSecret(arn)
  })

  it('keeps the value in the 0600 state file only, and fails an unknown secret with AWS\'s code', async () => {
    const {aws} = clients()
    const secrets = await aws.secrets()
    await secrets.createGeneratedSecret(input)
    const file = join(sandboxDir.path, 'sandbox.json')
    expect(readFileSync(file, 'utf8')).toContain(await secrets.getSecretValue(input.name))
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)

    const missing = secrets.getSecretValue('hactl/demo/nope')
    await expect(missing).rejects.toBeInstanceOf(AwsError)
    await expect(missing).rejects.toMatchObject({awsCode: 'ResourceNotFoundException'})
  })
})
