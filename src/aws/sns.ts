/**
 * The SNS calls hactl makes for the site's notifications: the topic (made
 * once, idempotent by name: CreateTopic returns the existing topic's ARN),
 * an email subscription (made once: the subscriptions are listed first, so a
 * re-run does not send the address a second confirmation mail), and Publish.
 *
 * CreateTopic, Subscribe, ListSubscriptionsByTopic, Publish:
 * https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (and _Subscribe, _Publish).
 */
import {
  CreateTopicCommand,
  PublishCommand,
  SubscribeCommand,
  paginateListSubscriptionsByTopic,
  type SNSClient,
} from '@aws-sdk/client-sns'

import {awsCall} from './errors'
import type {ApiContext, Tags} from './types'

export interface TopicSubscription {
  readonly protocol: string
  readonly endpoint: string
  /** `PendingConfirmation` until the address confirms. */
  readonly arn: string
}

export interface SnsApi {
  /** Creates the topic (or finds it: CreateTopic is idempotent by name); returns its ARN. */
  ensureTopic(name: string, options: {attributes: Readonly<Record<string, string>>; tags: Tags}): Promise<string>
  /** Every subscription of the topic, all pages. */
  listSubscriptions(topicArn: string): Promise<TopicSubscription[]>
  /** Subscribes an email address; returns the subscription ARN or `pending confirmation`. */
  subscribeEmail(topicArn: string, email: string): Promise<string>
  /** Publishes one message; returns its id. Subject: at most 100 printable ASCII characters. */
  publish(topicArn: string, message: {subject: string; body: string}): Promise<string>
}

export function createSnsApi(client: SNSClient, _context: ApiContext): SnsApi {
  return {
    async ensureTopic(name, options) {
      const out = await awsCall('sns:CreateTopic', () =>
        client.send(
          new CreateTopicCommand({Attributes: {...options.attributes}, Name: name, Tags: Object.entries(options.tags).map(([Key, Value]) => ({Key, Value}))}),
        ),
      )
      return out.TopicArn ?? ''
    },

    async listSubscriptions(topicArn) {
      return awsCall('sns:ListSubscriptionsByTopic', async () => {
        const found: TopicSubscription[] = []
        for await (const page of paginateListSubscriptionsByTopic({client}, {TopicArn: topicArn})) {
          for (const sub of page.Subscriptions ?? []) found.push({arn: sub.SubscriptionArn ?? '', endpoint: sub.Endpoint ?? '', protocol: sub.Protocol ?? ''})
        }

        return found
      })
    },

    async publish(topicArn, message) {
      const out = await awsCall('sns:Publish', () => client.send(new PublishCommand({Message: message.body, Subject: message.subject, TopicArn: topicArn})))
      return out.MessageId ?? ''
    },

    async subscribeEmail(topicArn, email) {
      const out = await awsCall('sns:Subscribe', () => client.send(new SubscribeCommand({Endpoint: email, Protocol: 'email', TopicArn: topicArn})))
      return out.SubscriptionArn ?? ''
    },
  }
}
