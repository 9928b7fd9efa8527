import {randomInt} from 'node:crypto'

import {
  type CreateSecretCommandInput,
  type CreateSecretCommandOutput,
  type DeleteSecretCommandInput,
  type DeleteSecretCommandOutput,
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  type Filter,
  type GetRandomPasswordCommandInput,
  type GetRandomPasswordCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  type ListSecretsCommandInput,
  type ListSecretsCommandOutput,
  type RestoreSecretCommandInput,
  type RestoreSecretCommandOutput,
  type SecretListEntry,
  type Tag,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
} from '@aws-sdk/client-secrets-manager'
import * as SecretsManager from '@aws-sdk/client-secrets-manager'

import {SandboxUnsupportedError, SimError, sdkModeledExceptions} from '../errors'
import {paginate} from '../paging'
import {defineService, type OperationContext, type RegionState, type Result, THROTTLING} from '../types'
import {checkTags as checkTagRules, reservedPrefixes, type TagRules} from '../tags'
import type {Tags} from './ec2-model'


/*
 * The simulated Secrets Manager: secrets with one current version each,
 * scheduled deletion with a recovery window, and GetRandomPassword. Values are
 * kept in the state file (written 0600), as SSM SecureStrings are.
 * Behaviour: secretsmanager.md beside this file.
 */

export interface SecretVersionRecord {
  readonly id: string
  /** SecretString, or undefined for a binary secret. */
  readonly string: string | undefined
  /** SecretBinary as base64. */
  readonly binary: string | undefined
  readonly createdAt: number
  readonly stages: string[]
}

export interface SecretRecord {
  readonly arn: string
  readonly name: string
  readonly description: string | undefined
  readonly kmsKeyId: string | undefined
  readonly createdAt: number
  lastChangedAt: number
  lastAccessedAt: number | undefined
  /** When DeleteSecret scheduled it; undefined while live. */
  deletedAt: number | undefined
  /** The deletion date, once scheduled: `deletedAt` + the recovery window. */
  deletionDate: number | undefined
  versions: SecretVersionRecord[]
  tags: Tags
}

export interface SecretsState {
  secrets: SecretRecord[]
}

const DAY_MS = 24 * 60 * 60_000
const NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
const MAX_SECRET_STRING = 65_536

/** Secrets whose recovery window has ended are gone for good. */
function slice(region: RegionState, context: OperationContext): SecretsState {
  region.secretsmanager ??= {secrets: []}
  const state = region.secretsmanager
  if (state.secrets.some((secret) => isGone(secret, context.now))) {
    state.secrets = state.secrets.filter((secret) => !isGone(secret, context.now))
  }

  return state
}

function isGone(secret: SecretRecord, now: number): boolean {
  return secret.deletionDate !== undefined && now >= secret.deletionDate
}

// ---- errors (AWS's wording) ----------------------------------------------------

const errors = {
  notFound: () => new SimError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
  markedForDeletion: () =>
    new SimError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion."),
  invalidParameter: (message: string) => new SimError('InvalidParameterException', message),
  exists: (name: string) => new SimError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`),
}

// ---- lookups and shapes -----------------------------------------------------------

/** A secret by name, full ARN or partial ARN (the ARN without its random suffix). */
function findSecret(state: SecretsState, secretId: string | undefined): SecretRecord {
  if (secretId === undefined || secretId === '') throw errors.invalidParameter('You must provide a value for SecretId.')
  const secret = state.secrets.find(
    (candidate) => candidate.name === secretId || candidate.arn === secretId || candidate.arn.slice(0, -7) === secretId,
  )
  if (!secret) throw errors.notFound()
  return secret
}

function toTagList(tags: Tags): Tag[] | undefined {
  const list = Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
  return list.length > 0 ? list : undefined
}

/** AWS reports the last access to the day (midnight UTC), not the moment. */
function accessDay(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(Math.floor(ms / DAY_MS) * DAY_MS)
}

function versionsToStages(secret: SecretRecord): Record<string, string[]> | undefined {
  if (secret.versions.length === 0) return undefined
  return Object.fromEntries(secret.versions.map((version) => [version.id, [...version.stages]]))
}

function toListEntry(secret: SecretRecord): SecretListEntry {
  return {
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    RotationEnabled: false,
    LastChangedDate: new Date(secret.lastChangedAt),
    LastAccessedDate: accessDay(secret.lastAccessedAt),
    DeletedDate: secret.deletedAt === undefined ? undefined : new Date(secret.deletedAt),
    Tags: toTagList(secret.tags),
    SecretVersionsToStages: versionsToStages(secret),
    CreatedDate: new Date(secret.createdAt),
  }
}

/** Tag keys 1–128, values at most 256, `aws:` reserved, 50 per secret. */
const TAG_RULES: TagRules = {
  reserved: reservedPrefixes('aws:'),
  badKey: (key) => errors.invalidParameter(`Invalid tag key: '${key}'. Tag keys must be 1 to 128 characters.`),
  reservedKey: (key) => errors.invalidParameter(`Invalid tag key: '${key}'. The aws: prefix is reserved.`),
  badValue: (key) => errors.invalidParameter(`Invalid tag value for key '${key}': at most 256 characters.`),
  tooMany: () => new SimError('LimitExceededException', 'A secret can have at most 50 tags.'),
}

function checkTags(tags: readonly Tag[] | undefined, existing: Tags = {}): Tags {
  return checkTagRules(TAG_RULES, tags, existing)
}

/** The six characters after the name in a secret's ARN: random in AWS, drawn from the id counter here. */
function arnSuffix(context: OperationContext): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const hex = context.nextId('secret', 12).slice('secret-'.length)
  return Array.from({length: 6}, (_, i) => alphabet[Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length]).join('')
}

/** A version id has a UUID's shape (the SDK sends one when no ClientRequestToken is given). */
function newVersionId(context: OperationContext): string {
  const hex = context.nextId('version', 32).slice('version-'.length)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// ---- operations -----------------------------------------------------------

interface SecretValue {
  readonly string: string | undefined
  readonly binary: string | undefined
}

function valueOf(input: CreateSecretCommandInput): SecretValue {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw errors.invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.")
  }

  if (input.SecretString !== undefined && input.SecretString.length > MAX_SECRET_STRING) {
    throw errors.invalidParameter(`The secret value can be at most ${MAX_SECRET_STRING} characters.`)
  }

  const binary = input.SecretBinary === undefined ? undefined : Buffer.from(input.SecretBinary).toString('base64')
  return {string: input.SecretString, binary}
}

/**
 * The same ClientRequestToken with the same value is a retry: AWS answers
 * with the version it already made. Anything else on an existing name fails.
 */
function retriedCreate(secret: SecretRecord, token: string | undefined, value: SecretValue): Result<CreateSecretCommandOutput> {
  if (secret.deletedAt !== undefined) {
    throw new SimError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.")
  }

  const version = secret.versions.find((candidate) => candidate.id === token)
  if (token === undefined || !version || version.string !== value.string || version.binary !== value.binary) throw errors.exists(secret.name)
  return {ARN: secret.arn, Name: secret.name, VersionId: version.id}
}

function createSecret(state: SecretsState, input: CreateSecretCommandInput, context: OperationContext): Result<CreateSecretCommandOutput> {
  const name = input.Name ?? ''
  if (!NAME.test(name)) {
    throw errors.invalidParameter('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!')
  }

  const token = input.ClientRequestToken
  if (token !== undefined && (token.length < 32 || token.length > 64)) {
    throw errors.invalidParameter('ClientRequestToken must be between 32 and 64 characters long.')
  }

  if (input.AddReplicaRegions?.length) throw new SandboxUnsupportedError('secretsmanager', 'CreateSecret with AddReplicaRegions')
  const value = valueOf(input)
  const existing = state.secrets.find((secret) => secret.name === name)
  if (existing) return retriedCreate(existing, token, value)

  const hasValue = value.string !== undefined || value.binary !== undefined
  const versionId = token ?? newVersionId(context)
  const secret: SecretRecord = {
    arn: `arn:aws:secretsmanager:${context.region}:${context.account}:secret:${name}-${arnSuffix(context)}`,
    name,
    description: input.Description,
    kmsKeyId: input.KmsKeyId,
    createdAt: context.now,
    lastChangedAt: context.now,
    lastAccessedAt: undefined,
    deletedAt: undefined,
    deletionDate: undefined,
    versions: hasValue ? [{id: versionId, ...value, createdAt: context.now, stages: ['AWSCURRENT']}] : [],
    tags: checkTags(input.Tags),
  }
  state.secrets.push(secret)
  return {ARN: secret.arn, Name: name, VersionId: hasValue ? versionId : undefined}
}

function describeSecret(state: SecretsState, input: DescribeSecretCommandInput): Result<DescribeSecretCommandOutput> {
  const {SecretVersionsToStages, ...entry} = toListEntry(findSecret(state, input.SecretId))
  return {...entry, VersionIdsToStages: SecretVersionsToStages}
}

function getSecretValue(state: SecretsState, input: GetSecretValueCommandInput, context: OperationContext): Result<GetSecretValueCommandOutput> {
  const secret = findSecret(state, input.SecretId)
  if (secret.deletedAt !== undefined) throw errors.markedForDeletion()
  const stage = input.VersionStage ?? (input.VersionId === undefined ? 'AWSCURRENT' : undefined)
  const version = secret.versions.find(
    (candidate) => (input.VersionId === undefined || candidate.id === input.VersionId) && (stage === undefined || candidate.stages.includes(stage)),
  )
  if (!version) {
    throw new SimError(
      'ResourceNotFoundException',
      input.VersionId === undefined
        ? `Secrets Manager can't find the specified secret value for staging label: ${stage}`
        : `Secrets Manager can't find the specified secret value for VersionId: ${input.VersionId}`,
    )
  }

  secret.lastAccessedAt = context.now
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.id,
    SecretString: version.string,
    SecretBinary: version.binary === undefined ? undefined : Uint8Array.from(Buffer.from(version.binary, 'base64')),
    VersionStages: [...version.stages],
    CreatedDate: new Date(version.createdAt),
  }
}

function characterClasses(input: GetRandomPasswordCommandInput): string[] {
  const excluded = new Set(input.ExcludeCharacters ?? '')
  const keep = (chars: string) => [...chars].filter((char) => !excluded.has(char)).join('')
  const classes = [
    input.ExcludeLowercase ? '' : keep('abcdefghijklmnopqrstuvwxyz'),
    input.ExcludeUppercase ? '' : keep('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    input.ExcludeNumbers ? '' : keep('0123456789'),
    input.ExcludePunctuation ? '' : keep(PUNCTUATION),
    input.IncludeSpace ? keep(' ') : '',
  ]
  return classes.filter((chars) => chars !== '')
}

/** Random from node:crypto, like AWS's: the value is never derived from the state. */
function getRandomPassword(_state: SecretsState, input: GetRandomPasswordCommandInput): Result<GetRandomPasswordCommandOutput> {
  const length = input.PasswordLength ?? 32
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw errors.invalidParameter('The password length must be between 1 and 4096 characters.')
  }

  const classes = characterClasses(input)
  if (classes.length === 0) throw errors.invalidParameter('You excluded every character type: no characters are left to build a password from.')
  const requireEach = input.RequireEachIncludedType ?? true
  if (requireEach && length < classes.length) {
    throw errors.invalidParameter(`The password length must be at least ${classes.length} to include each character type.`)
  }

  const all = classes.join('')
  const chars = Array.from({length}, () => all[randomInt(all.length)])
  if (requireEach) {
    // One character of each type at distinct random positions.
    const positions = [...Array(length).keys()]
    for (const type of classes) {
      const position = positions.splice(randomInt(positions.length), 1)[0]
      chars[position] = type[randomInt(type.length)]
    }
  }

  return {RandomPassword: chars.join('')}
}

function deleteSecret(state: SecretsState, input: DeleteSecretCommandInput, context: OperationContext): Result<DeleteSecretCommandOutput> {
  if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
    throw errors.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
  }

  const days = input.RecoveryWindowInDays ?? 30
  if (!Number.isInteger(days) || days < 7 || days > 30) {
    throw errors.invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).')
  }

  const secret = findSecret(state, input.SecretId)
  if (input.ForceDeleteWithoutRecovery) {
    state.secrets = state.secrets.filter((candidate) => candidate !== secret)
    return {ARN: secret.arn, Name: secret.name, DeletionDate: new Date(context.now)}
  }

  if (secret.deletedAt !== undefined) throw errors.markedForDeletion()
  secret.deletedAt = context.now
  secret.deletionDate = context.now + days * DAY_MS
  return {ARN: secret.arn, Name: secret.name, DeletionDate: new Date(secret.deletionDate)}
}

function restoreSecret(state: SecretsState, input: RestoreSecretCommandInput, context: OperationContext): Result<RestoreSecretCommandOutput> {
  const secret = findSecret(state, input.SecretId)
  if (secret.deletedAt !== undefined) {
    secret.deletedAt = undefined
    secret.deletionDate = undefined
    secret.lastChangedAt = context.now
  }

  return {ARN: secret.arn, Name: secret.name}
}

function tagResource(state: SecretsState, input: TagResourceCommandInput, context: OperationContext): Result<TagResourceCommandOutput> {
  const secret = findSecret(state, input.SecretId)
  secret.tags = checkTags(input.Tags, secret.tags)
  secret.lastChangedAt = context.now
  return {}
}

function untagResource(state: SecretsState, input: UntagResourceCommandInput, context: OperationContext): Result<UntagResourceCommandOutput> {
  const secret = findSecret(state, input.SecretId)
  const drop = new Set(input.TagKeys ?? [])
  secret.tags = Object.fromEntries(Object.entries(secret.tags).filter(([key]) => !drop.has(key)))
  secret.lastChangedAt = context.now
  return {}
}

/** Prefix matches: `description` ignores case, the others do not; a leading `!` negates. */
function matchesFilter(secret: SecretRecord, filter: Filter): boolean {
  const candidates: Readonly<Record<string, () => readonly string[]>> = {
    name: () => [secret.name],
    description: () => (secret.description === undefined ? [] : [secret.description.toLowerCase()]),
    'tag-key': () => Object.keys(secret.tags),
    'tag-value': () => Object.values(secret.tags),
    'primary-region': () => [secret.arn.split(':')[3]],
    'owning-service': () => [],
  }
  const key = filter.Key ?? ''
  if (key === 'all') throw new SandboxUnsupportedError('secretsmanager', 'ListSecrets with the "all" filter')
  const values = candidates[key]
  if (!values) throw errors.invalidParameter(`Invalid filter key: ${key}`)
  return (filter.Values ?? []).some((raw) => {
    const negated = raw.startsWith('!')
    const prefix = key === 'description' ? raw.slice(negated ? 1 : 0).toLowerCase() : raw.slice(negated ? 1 : 0)
    const hit = values().some((value) => value.startsWith(prefix))
    return negated ? !hit : hit
  })
}

function sortKey(secret: SecretRecord, sortBy: string | undefined): number | string {
  switch (sortBy) {
    case 'name': {
      return secret.name
    }

    case 'last-changed-date': {
      return secret.lastChangedAt
    }

    case 'last-accessed-date': {
      return secret.lastAccessedAt ?? 0
    }

    default: {
      return secret.createdAt
    }
  }
}

function listSecrets(state: SecretsState, input: ListSecretsCommandInput): Result<ListSecretsCommandOutput> {
  if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 100)) {
    throw errors.invalidParameter('MaxResults must be between 1 and 100.')
  }

  const direction = input.SortOrder === 'asc' ? 1 : -1
  const matching = state.secrets
    .filter((secret) => input.IncludePlannedDeletion || secret.deletedAt === undefined)
    .filter((secret) => (input.Filters ?? []).every((filter) => matchesFilter(secret, filter)))
    .sort((a, b) => {
      const [x, y] = [sortKey(a, input.SortBy), sortKey(b, input.SortBy)]
      return x < y ? -direction : x > y ? direction : 0
    })
  const page = paginate(matching, {
    maxResults: input.MaxResults,
    nextToken: input.NextToken,
    defaultSize: 100,
    badToken: () => new SimError('InvalidNextTokenException', 'The NextToken value is invalid.'),
  })
  return {SecretList: page.items.map(toListEntry), NextToken: page.nextToken}
}

// ---- exceptions -----------------------------------------------------------

const toException = sdkModeledExceptions(
  SecretsManager,
  SecretsManager.SecretsManagerServiceException,
  'json',
)

export const secretsmanager = defineService<SecretsState>({
  name: 'secretsmanager',
  throttleError: THROTTLING.json,
  internalError: {code: 'InternalServiceError', message: 'An error occurred on the server side.', status: 500},
  slice,
  operations: {
    CreateSecret: createSecret,
    DeleteSecret: deleteSecret,
    DescribeSecret: describeSecret,
    GetRandomPassword: getRandomPassword,
    GetSecretValue: getSecretValue,
    ListSecrets: listSecrets,
    RestoreSecret: restoreSecret,
    TagResource: tagResource,
    UntagResource: untagResource,
  },
  toException,
})
