/** The Secrets Manager calls hactl makes: the cache AUTH token (the DB password is RDS-managed). */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'

import {AwsError} from '../core/errors'
import type {ApiContext, Tags} from './types'
import {awsCall, hasAwsCode} from './errors'

export interface SecretSummary {
  readonly arn: string
  readonly name: string
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date
}

export interface SecretsApi {
  /** The secret's metadata (DescribeSecret), or undefined (ResourceNotFoundException). Never its value. */
  describeSecret(name: string): Promise<SecretSummary | undefined>
  /**
   * Creates a secret whose value Secrets Manager generates (GetRandomPassword
   * with the given rules), so the value passes through hactl only in memory and
   * is never printed. `clientRequestToken` makes a retried create idempotent.
   * Returns the secret's ARN. A secret scheduled for deletion is restored instead.
   * `format` builds the stored value around the generated password (e.g. a
   * JSON object with a user name); without it the password is the value.
   */
  createGeneratedSecret(input: {
    name: string
    description: string
    clientRequestToken: string
    length: number
    excludePunctuation: boolean
    tags: Tags
    format?: (generated: string) => string
  }): Promise<string>
  /** Reads a secret's value (only to hand it to an AWS API, e.g. the cache AUTH token). */
  getSecretValue(arnOrName: string): Promise<string>
  /** Deletes a secret (ForceDeleteWithoutRecovery false: 7-day recovery window). */
  deleteSecret(arnOrName: string): Promise<void>
}

/** The shortest recovery window AWS allows: a mistaken destroy can still be undone for a week. */
const RECOVERY_WINDOW_DAYS = 7

export function createSecretsApi(client: SecretsManagerClient, _context: ApiContext): SecretsApi {
  async function describeSecret(name: string): Promise<SecretSummary | undefined> {
    try {
      const out = await client.send(new DescribeSecretCommand({SecretId: name}))
      return {arn: out.ARN ?? '', deletedDate: out.DeletedDate, name: out.Name ?? name}
    } catch (error) {
      if (hasAwsCode(error, 'ResourceNotFoundException')) return undefined
      return awsCall('secretsmanager:DescribeSecret', () => Promise.reject(error))
    }
  }

  /**
   * The ARN of a secret that already has the name: a live one as it is (a
   * re-run), one scheduled for deletion restored first (AWS refuses to create a
   * secret under that name until the window ends).
   */
  async function existingSecret(name: string, createError: unknown): Promise<string> {
    const existing = await describeSecret(name)
    if (!existing) return awsCall('secretsmanager:CreateSecret', () => Promise.reject(createError))
    if (existing.deletedDate !== undefined) {
      await awsCall('secretsmanager:RestoreSecret', () => client.send(new RestoreSecretCommand({SecretId: existing.arn})))
    }

    return existing.arn
  }

  return {
    async createGeneratedSecret(input) {
      const {RandomPassword: value} = await awsCall('secretsmanager:GetRandomPassword', () =>
        client.send(new GetRandomPasswordCommand({ExcludePunctuation: input.excludePunctuation, PasswordLength: input.length})),
      )
      try {
        const out = await client.send(
          new CreateSecretCommand({
            ClientRequestToken: input.clientRequestToken,
            Description: input.description,
            Name: input.name,
            SecretString: input.format && value !== undefined ? input.format(value) : value,
            Tags: Object.entries(input.tags).map(([Key, Value]) => ({Key, Value})),
          }),
        )
        return out.ARN ?? ''
      } catch (error) {
        // ResourceExists: a live secret of that name. InvalidRequest: one scheduled for deletion.
        if (hasAwsCode(error, 'ResourceExistsException', 'InvalidRequestException')) return existingSecret(input.name, error)
        return awsCall('secretsmanager:CreateSecret', () => Promise.reject(error))
      }
    },

    async deleteSecret(arnOrName) {
      try {
        await client.send(new DeleteSecretCommand({RecoveryWindowInDays: RECOVERY_WINDOW_DAYS, SecretId: arnOrName}))
      } catch (error) {
        if (hasAwsCode(error, 'ResourceNotFoundException')) return
        // Already scheduled for deletion: what was asked for is under way.
        if (hasAwsCode(error, 'InvalidRequestException') && (await describeSecret(arnOrName))?.deletedDate !== undefined) return
        await awsCall('secretsmanager:DeleteSecret', () => Promise.reject(error))
      }
    },

    describeSecret,

    async getSecretValue(arnOrName) {
      const out = await awsCall('secretsmanager:GetSecretValue', () => client.send(new GetSecretValueCommand({SecretId: arnOrName})))
      // The value itself never goes into a message.
      if (out.SecretString === undefined) {
        throw new AwsError('NoSecretString', `secretsmanager:GetSecretValue: secret ${arnOrName} has no string value`, {
          operation: 'secretsmanager:GetSecretValue',
        })
      }

      return out.SecretString
    },
  }
}
