import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  NotFoundException,
  SNSServiceException,
  ThrottledException,
  type CreateTopicCommandInput,
  type CreateTopicCommandOutput,
  type ListSubscriptionsByTopicCommandInput,
  type ListSubscriptionsByTopicCommandOutput,
  type PublishCommandInput,
  type PublishCommandOutput,
  type SubscribeCommandInput,
  type SubscribeCommandOutput,
} from '@aws-sdk/client-sns'

import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {paginate} from '../paging'
import {defineService, type OperationContext, type RegionState, type Result, type SandboxState} from '../types'

const SPEC_FILE = 'src/sandbox/services/sns.md'

/*
 * The simulated SNS: standard topics with attributes and tags, email
 * subscriptions that wait for a confirmation nobody clicks, and Publish
 * keeping each message so tests can read what was sent. Behaviour: sns.md.
 */

export interface SnsSubscriptionRecord {
  readonly arn: string
  readonly protocol: string
  readonly endpoint: string
  /** Email subscriptions stay pending until the address confirms (which the sandbox never does). */
  readonly confirmed: boolean
  readonly createdAt: number
}

export interface SnsTopicRecord {
  readonly arn: string
  readonly name: string
  readonly attributes: Record<string, string>
  readonly tags: Record<string, string>
  readonly subscriptions: SnsSubscriptionRecord[]
}

export interface SnsPublishedRecord {
  readonly messageId: string
  readonly topicArn: string
  readonly subject: string | undefined
  readonly message: string
  readonly at: number
}

export interface SnsState {
  topics: SnsTopicRecord[]
  /** Every message published, oldest first: what tests read (publishedMessages). */
  published: SnsPublishedRecord[]
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/
/** Attributes CreateTopic takes that the sandbox keeps (others are refused as not simulated). */
const TOPIC_ATTRIBUTES = new Set(['DisplayName', 'KmsMasterKeyId', 'Policy', 'DeliveryPolicy', 'TracingConfig'])
/** Publish: Message up to 256 KB; Subject ASCII, no line breaks, up to 100 characters. */
const MAX_MESSAGE_BYTES = 262_144
const MAX_SUBJECT = 100

function slice(region: RegionState): SnsState {
  region.sns ??= {published: [], topics: []}
  return region.sns
}

function invalid(message: string): SimError {
  return new SimError('InvalidParameter', message)
}

function topicOf(state: SnsState, arn: string | undefined, parameter = 'TopicArn'): SnsTopicRecord {
  if (arn === undefined || !/^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(arn)) throw invalid(`Invalid parameter: ${parameter}`)
  const topic = state.topics.find((candidate) => candidate.arn === arn)
  if (!topic) throw new SimError('NotFound', 'Topic does not exist', 404)
  return topic
}

const sameRecord = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value)

function createTopic(state: SnsState, input: CreateTopicCommandInput, context: OperationContext): Result<CreateTopicCommandOutput> {
  const name = input.Name ?? ''
  if (!TOPIC_NAME.test(name)) throw invalid('Invalid parameter: Topic Name')
  const attributes = {...input.Attributes}
  const unknown = Object.keys(attributes).find((key) => !TOPIC_ATTRIBUTES.has(key))
  if (unknown !== undefined) throw new SandboxUnsupportedError('sns', `CreateTopic with the attribute ${unknown}`, SPEC_FILE)
  const tags = Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
  const arn = `arn:aws:sns:${context.region}:${context.account}:${name}`
  const existing = state.topics.find((topic) => topic.arn === arn)
  if (existing) {
    // Idempotent by name, as long as it asks for the same thing.
    if (!sameRecord(existing.attributes, attributes)) throw invalid('Invalid parameter: Attributes Reason: Topic already exists with different attributes')
    if (input.Tags !== undefined && !sameRecord(existing.tags, tags)) throw invalid('Invalid parameter: Tags Reason: Topic already exists with different tags')
    return {TopicArn: arn}
  }

  state.topics.push({arn, attributes, name, subscriptions: [], tags})
  return {TopicArn: arn}
}

function subscribe(state: SnsState, input: SubscribeCommandInput, context: OperationContext): Result<SubscribeCommandOutput> {
  const topic = topicOf(state, input.TopicArn)
  const protocol = input.Protocol ?? ''
  if (protocol !== 'email' && protocol !== 'email-json') throw new SandboxUnsupportedError('sns', `Subscribe with protocol ${protocol || '(none)'}`, SPEC_FILE)
  const endpoint = input.Endpoint ?? ''
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(endpoint)) throw invalid('Invalid parameter: Email address')
  const existing = topic.subscriptions.find((sub) => sub.protocol === protocol && sub.endpoint === endpoint)
  const record = existing ?? {arn: `${topic.arn}:${context.nextId('sub', 32).slice(4).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`, confirmed: false, createdAt: context.now, endpoint, protocol}
  if (!existing) topic.subscriptions.push(record)
  // A pending email subscription has no ARN to show unless ReturnSubscriptionArn asks for it.
  return {SubscriptionArn: record.confirmed || input.ReturnSubscriptionArn ? record.arn : 'pending confirmation'}
}

function listSubscriptionsByTopic(state: SnsState, input: ListSubscriptionsByTopicCommandInput, context: OperationContext): Result<ListSubscriptionsByTopicCommandOutput> {
  const topic = topicOf(state, input.TopicArn)
  const page = paginate(topic.subscriptions, {badToken: () => invalid('Invalid parameter: NextToken'), defaultSize: 100, maxResults: undefined, nextToken: input.NextToken})
  return {
    NextToken: page.nextToken,
    Subscriptions: page.items.map((sub) => ({
      Endpoint: sub.endpoint,
      Owner: context.account,
      Protocol: sub.protocol,
      SubscriptionArn: sub.confirmed ? sub.arn : 'PendingConfirmation',
      TopicArn: topic.arn,
    })),
  }
}

function publish(state: SnsState, input: PublishCommandInput, context: OperationContext): Result<PublishCommandOutput> {
  if (input.TargetArn !== undefined || input.PhoneNumber !== undefined) throw new SandboxUnsupportedError('sns', 'Publish to a TargetArn or PhoneNumber', SPEC_FILE)
  const topic = topicOf(state, input.TopicArn)
  const message = input.Message
  if (message === undefined || message === '') throw invalid('Invalid parameter: Empty message')
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw invalid('Invalid parameter: Message too long')
  if (input.MessageStructure !== undefined) throw new SandboxUnsupportedError('sns', 'Publish with MessageStructure', SPEC_FILE)
  const subject = input.Subject
  if (subject !== undefined && (subject === '' || subject.length > MAX_SUBJECT || !/^[\u0020-\u007e]+$/.test(subject))) {
    throw invalid('Invalid parameter: Subject')
  }

  const hex = context.nextId('msg', 32).slice(4)
  const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
  state.published.push({at: context.now, message, messageId, subject, topicArn: topic.arn})
  return {MessageId: messageId}
}

/** What was published in a region, oldest first (tests read the state file with this). */
export function publishedMessages(state: SandboxState, region: string): readonly SnsPublishedRecord[] {
  return state.regions[region]?.sns?.published ?? []
}

/** SNS speaks the query protocol: AWS's codes (NotFound…) map to the SDK's classes (NotFoundException…). */
const toException = modeledExceptions(
  {
    AuthorizationError: AuthorizationErrorException,
    InternalError: InternalErrorException,
    InvalidParameter: InvalidParameterException,
    NotFound: NotFoundException,
    Throttled: ThrottledException,
  },
  SNSServiceException,
  'query',
)

export const sns = defineService<SnsState>({
  name: 'sns',
  specFile: SPEC_FILE,
  throttleError: {code: 'Throttled', message: 'Rate exceeded', status: 400},
  internalError: {code: 'InternalError', message: 'Internal Error', status: 500},
  slice,
  operations: {
    CreateTopic: createTopic,
    ListSubscriptionsByTopic: listSubscriptionsByTopic,
    Publish: publish,
    Subscribe: subscribe,
  },
  toException,
})
