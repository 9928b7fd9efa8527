import {
  type DeleteParameterCommandInput,
  type DeleteParameterCommandOutput,
  type DeleteParametersCommandInput,
  type DeleteParametersCommandOutput,
  type DescribeParametersCommandInput,
  type DescribeParametersCommandOutput,
  type GetParameterCommandInput,
  type GetParameterHistoryCommandInput,
  type GetParameterHistoryCommandOutput,
  type GetParameterCommandOutput,
  type GetParametersByPathCommandInput,
  type GetParametersByPathCommandOutput,
  type GetParametersCommandInput,
  type GetParametersCommandOutput,
  type Parameter,
  type ParameterMetadata,
  type ParameterStringFilter,
  type PutParameterCommandInput,
  type PutParameterCommandOutput,
} from '@aws-sdk/client-ssm'
import * as SSM from '@aws-sdk/client-ssm'

import {SandboxUnsupportedError, SimError, sdkModeledExceptions} from '../errors'
import {hexOf} from '../ids'
import {paginate} from '../paging'
import {defineService, type AdvanceContext, type Handler, type OperationContext, type RegionState, type Result, THROTTLING} from '../types'
import {advanceCommands, getCommandInvocation, listCommandInvocations, listCommands, sendCommand, type RunCommandContext} from './ssm-commands'
import {keepVersion, ssmSlice, type SsmParameterRecord, type SsmState} from './ssm-model'
import {advanceSeeds, describeInstanceInformation} from './ssm-seed'
import {advanceStagingRecords} from './ssm-staging'

const SPEC_FILE = 'src/sandbox/services/ssm.md'

export type {SsmState} from './ssm-model'

/** Standard-tier value limit: 4 KB. */
const MAX_VALUE_LENGTH = 4096
/** Names: letters, digits and `_.-/`; a hierarchical name starts with `/`. */
const NAME = /^[a-zA-Z0-9_.\-/]+$/
const RESERVED_PREFIX = /^\/?(aws|ssm)/i

function invalid(message: string): SimError {
  return new SimError('ValidationException', message)
}

function notFound(name: string): SimError {
  return new SimError('ParameterNotFound', `Parameter ${name} not found.`)
}

function checkName(name: string | undefined): string {
  if (name === undefined || name === '') throw invalid('1 validation error detected: Value null at \'name\' failed to satisfy constraint: Member must not be null')
  if (!NAME.test(name) || (name.includes('/') && !name.startsWith('/'))) {
    throw invalid(
      `Parameter name: can only include the characters a-zA-Z0-9_.-/ and a hierarchical name must begin with a forward slash: ${name}`,
    )
  }

  if (RESERVED_PREFIX.test(name)) {
    throw invalid(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive): ${name}`)
  }

  return name
}

function arnOf(name: string, context: OperationContext): string {
  const path = name.startsWith('/') ? name : `/${name}`
  return `arn:aws:ssm:${context.region}:${context.account}:parameter${path}`
}

/** Without decryption AWS returns a SecureString's ciphertext; a stable stand-in keeps the shape. */
function valueOf(record: SsmParameterRecord, withDecryption: boolean | undefined): string {
  if (record.type !== 'SecureString' || withDecryption) return record.value
  return `AQICAH${Buffer.from(hexOf(`${record.name}:${record.version}:${record.value}`, 48), 'hex').toString('base64')}`
}

function toParameter(record: SsmParameterRecord, withDecryption: boolean | undefined, context: OperationContext): Parameter {
  return {
    Name: record.name,
    Type: record.type,
    Value: valueOf(record, withDecryption),
    Version: record.version,
    LastModifiedDate: new Date(record.lastModified),
    ARN: arnOf(record.name, context),
    DataType: 'text',
  }
}

function toMetadata(record: SsmParameterRecord, context: OperationContext): ParameterMetadata {
  return {
    Name: record.name,
    ARN: arnOf(record.name, context),
    Type: record.type,
    Description: record.description,
    Version: record.version,
    LastModifiedDate: new Date(record.lastModified),
    LastModifiedUser: `arn:aws:iam::${context.account}:user/hactl-sandbox`,
    Tier: 'Standard',
    DataType: 'text',
    Policies: [],
  }
}

function sortedRecords(state: SsmState): SsmParameterRecord[] {
  return Object.values(state.parameters).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function getParameter(state: SsmState, input: GetParameterCommandInput, context: OperationContext): Result<GetParameterCommandOutput> {
  const name = checkName(input.Name)
  if (name.includes(':')) throw new SandboxUnsupportedError('ssm', 'GetParameter with a version or label selector', SPEC_FILE)
  const record = state.parameters[name]
  if (!record) throw notFound(name)
  return {Parameter: toParameter(record, input.WithDecryption, context)}
}

/** The versions still kept, oldest first (the API's order), paged: MaxResults 1–50, default 50. */
function getParameterHistory(state: SsmState, input: GetParameterHistoryCommandInput, context: OperationContext): Result<GetParameterHistoryCommandOutput> {
  const name = checkName(input.Name)
  const record = state.parameters[name]
  if (!record) throw notFound(name)
  const versions = [...(record.history ?? []), {version: record.version, type: record.type, value: record.value, lastModified: record.lastModified}]
  const page = paginate(versions, {maxResults: checkMaxResults(input.MaxResults, 50), nextToken: input.NextToken, defaultSize: 50, badToken})
  return {
    Parameters: page.items.map((version) => ({
      Name: record.name,
      Type: version.type,
      Value: valueOf({...record, ...version}, input.WithDecryption),
      Version: version.version,
      LastModifiedDate: new Date(version.lastModified),
      LastModifiedUser: `arn:aws:iam::${context.account}:user/hactl-sandbox`,
      Description: record.description,
      Labels: [],
      Tier: 'Standard',
      Policies: [],
      DataType: 'text',
    })),
    NextToken: page.nextToken,
  }
}

function getParameters(state: SsmState, input: GetParametersCommandInput, context: OperationContext): Result<GetParametersCommandOutput> {
  const names = input.Names ?? []
  if (names.length < 1 || names.length > 10) {
    throw invalid(`1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length between 1 and 10`)
  }

  const found = names.filter((name) => state.parameters[name] !== undefined)
  return {
    Parameters: found.map((name) => toParameter(state.parameters[name], input.WithDecryption, context)),
    InvalidParameters: names.filter((name) => state.parameters[name] === undefined),
  }
}

/** Whether `name` is under `path`: directly (one level) or at any depth. */
function isUnder(name: string, path: string, recursive: boolean): boolean {
  const prefix = path.endsWith('/') ? path : `${path}/`
  if (!name.startsWith(prefix) || name.length === prefix.length) return false
  return recursive || !name.slice(prefix.length).includes('/')
}

function checkPath(path: string | undefined): string {
  if (path === undefined || !path.startsWith('/') || !NAME.test(path)) {
    throw invalid(`The parameter path ${path ?? 'null'} is not valid: a path must begin with a forward slash (/).`)
  }

  return path
}

function badToken(): SimError {
  return new SimError('InvalidNextToken', 'The specified token isn\'t valid.')
}

function checkMaxResults(maxResults: number | undefined, max: number): number | undefined {
  if (maxResults !== undefined && (maxResults < 1 || maxResults > max)) {
    throw invalid(`1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`)
  }

  return maxResults
}

function getParametersByPath(
  state: SsmState,
  input: GetParametersByPathCommandInput,
  context: OperationContext,
): Result<GetParametersByPathCommandOutput> {
  const path = checkPath(input.Path)
  if (input.ParameterFilters?.length) throw new SandboxUnsupportedError('ssm', 'GetParametersByPath with ParameterFilters', SPEC_FILE)
  const matching = sortedRecords(state).filter((record) => isUnder(record.name, path, input.Recursive ?? false))
  const page = paginate(matching, {
    maxResults: checkMaxResults(input.MaxResults, 10),
    nextToken: input.NextToken,
    defaultSize: 10,
    badToken,
  })
  return {Parameters: page.items.map((record) => toParameter(record, input.WithDecryption, context)), NextToken: page.nextToken}
}

function putParameter(state: SsmState, input: PutParameterCommandInput, context: OperationContext): Result<PutParameterCommandOutput> {
  const name = checkName(input.Name)
  const value = input.Value ?? ''
  if (value.length < 1 || value.length > MAX_VALUE_LENGTH) {
    throw invalid(`1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and ${MAX_VALUE_LENGTH}`)
  }

  const existing = state.parameters[name]
  if (existing) {
    if (!input.Overwrite) {
      throw new SimError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      )
    }

    keepVersion(existing)
    existing.value = value
    existing.type = input.Type ?? existing.type
    existing.description = input.Description ?? existing.description
    existing.version += 1
    existing.lastModified = context.now
    return {Version: existing.version, Tier: 'Standard'}
  }

  if (input.Type === undefined) throw invalid('A parameter type is required when you create a parameter.')
  state.parameters[name] = {name, type: input.Type, value, version: 1, lastModified: context.now, description: input.Description}
  return {Version: 1, Tier: 'Standard'}
}

function deleteParameter(state: SsmState, input: DeleteParameterCommandInput): Result<DeleteParameterCommandOutput> {
  const name = checkName(input.Name)
  if (!state.parameters[name]) throw notFound(name)
  delete state.parameters[name]
  return {}
}

function deleteParameters(state: SsmState, input: DeleteParametersCommandInput): Result<DeleteParametersCommandOutput> {
  const names = input.Names ?? []
  const deleted = names.filter((name) => state.parameters[name] !== undefined)
  for (const name of deleted) delete state.parameters[name]
  return {DeletedParameters: deleted, InvalidParameters: names.filter((name) => !deleted.includes(name))}
}

/** The ParameterFilters hactl can use: Name Equals/BeginsWith, Path OneLevel/Recursive, Type Equals. */
function matchesFilter(record: SsmParameterRecord, filter: ParameterStringFilter): boolean {
  const values = filter.Values ?? []
  const option = filter.Option ?? (filter.Key === 'Path' ? 'OneLevel' : 'Equals')
  switch (filter.Key) {
    case 'Name': {
      if (option === 'Equals') return values.includes(record.name)
      if (option === 'BeginsWith') return values.some((value) => record.name.startsWith(value))
      break
    }

    case 'Path': {
      if (option === 'OneLevel' || option === 'Recursive') return values.some((value) => isUnder(record.name, value, option === 'Recursive'))
      break
    }

    case 'Type': {
      if (option === 'Equals') return values.includes(record.type)
      break
    }

    default: {
      throw new SimError('InvalidFilterKey', `The filter key ${filter.Key ?? 'null'} is not valid.`)
    }
  }

  throw new SimError('InvalidFilterOption', `The filter option ${option} is not valid for key ${filter.Key}.`)
}

function describeParameters(
  state: SsmState,
  input: DescribeParametersCommandInput,
  context: OperationContext,
): Result<DescribeParametersCommandOutput> {
  if (input.Filters?.length) throw new SandboxUnsupportedError('ssm', 'DescribeParameters with Filters (use ParameterFilters)', SPEC_FILE)
  const filters = input.ParameterFilters ?? []
  const matching = sortedRecords(state).filter((record) => filters.every((filter) => matchesFilter(record, filter)))
  const page = paginate(matching, {
    maxResults: checkMaxResults(input.MaxResults, 50),
    nextToken: input.NextToken,
    defaultSize: 50,
    badToken,
  })
  return {Parameters: page.items.map((record) => toMetadata(record, context)), NextToken: page.nextToken}
}

/** The exceptions the SSM client models: thrown as their own classes, as the SDK's deserializer would. */
const toException = sdkModeledExceptions(
  SSM,
  SSM.SSMServiceException,
  'json',
)

/** A Parameter Store handler, which needs only SSM's own state. */
function parameters<I, O>(handler: Handler<SsmState, I, O>): Handler<RunCommandContext, I, O> {
  return (context, input, operation) => handler(context.state, input, operation)
}

/** Seeds boot and run cron, then commands end: both in time order within their own kind (advance.ts). */
function advanceSsm(region: RegionState, context: AdvanceContext): boolean {
  const seeds = advanceSeeds(region, context)
  const commands = advanceCommands(region, context)
  // What the staging runner records at its end, once its invocation has ended (ssm-staging.ts).
  return advanceStagingRecords(region, context) || commands || seeds
}

/** The simulated SSM service (Parameter Store, managed instances, Run Command). Behaviour: ssm.md beside this file. */
export const ssm = defineService<RunCommandContext>({
  name: 'ssm',
  specFile: SPEC_FILE,
  throttleError: THROTTLING.json,
  internalError: {code: 'InternalServerError', message: 'An internal error occurred.', status: 500},
  slice: (region) => ({state: ssmSlice(region), region}),
  advance: advanceSsm,
  operations: {
    DeleteParameter: parameters(deleteParameter),
    DeleteParameters: parameters(deleteParameters),
    DescribeInstanceInformation: (context: RunCommandContext, input, operation) => describeInstanceInformation(context.region, input, operation),
    DescribeParameters: parameters(describeParameters),
    GetCommandInvocation: getCommandInvocation,
    GetParameter: parameters(getParameter),
    GetParameterHistory: parameters(getParameterHistory),
    GetParameters: parameters(getParameters),
    GetParametersByPath: parameters(getParametersByPath),
    ListCommandInvocations: listCommandInvocations,
    ListCommands: listCommands,
    PutParameter: parameters(putParameter),
    SendCommand: sendCommand,
  },
  toException,
})
