import {
  CreateTopicCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'

import {manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

function sandbox() {
  const base = manualSandbox()
  const sns = new SNSClient({region: 'eu-west-1', credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, retryStrategy: new ConfiguredRetryStrategy(2, () => 0)})
  sns.middlewareStack.use(base.handle.plugin('sns'))
  return {...base, sns}
}

describe('sandbox SNS', () => {
  it('creates a topic idempotently by name, refuses a different ask, and names a missing topic NotFound', async () => {
    const {sns} = sandbox()
    const input = {Attributes: {KmsMasterKeyId: 'alias/aws/sns'}, Name: 'hactl-demo-notify', Tags: [{Key: 'hactl:site', Value: 'demo'}]}
    const {TopicArn} = await sns.send(new CreateTopicCommand(input))
    expect(TopicArn).toMatch(/^arn:aws:sns:eu-west-1:\d{12}:hactl-demo-notify$/)
    expect((await sns.send(new CreateTopicCommand(input))).TopicArn).toBe(TopicArn)
    await expect(sns.send(new CreateTopicCommand({...input, Attributes: {}}))).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(sns.send(new CreateTopicCommand({Name: 'bad name'}))).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(sns.send(new PublishCommand({Message: 'x', TopicArn: `${TopicArn}-gone`}))).rejects.toBeInstanceOf(NotFoundException)
  })

  it('subscribes an email as pending confirmation, once, and validates Publish', async () => {
    const {sns} = sandbox()
    const {TopicArn} = await sns.send(new CreateTopicCommand({Name: 't'}))
    expect((await sns.send(new SubscribeCommand({Endpoint: 'ops@example.org', Protocol: 'email', TopicArn}))).SubscriptionArn).toBe('pending confirmation')
    await sns.send(new SubscribeCommand({Endpoint: 'ops@example.org', Protocol: 'email', TopicArn}))
    expect((await sns.send(new ListSubscriptionsByTopicCommand({TopicArn}))).Subscriptions).toEqual([
      expect.objectContaining({Endpoint: 'ops@example.org', Protocol: 'email', SubscriptionArn: 'PendingConfirmation', TopicArn}),
    ])
    await expect(sns.send(new SubscribeCommand({Endpoint: 'not-an-address', Protocol: 'email', TopicArn}))).rejects.toBeInstanceOf(InvalidParameterException)

    expect((await sns.send(new PublishCommand({Message: 'body', Subject: 'hello', TopicArn}))).MessageId).toMatch(/^[0-9a-f-]{36}$/)
    await expect(sns.send(new PublishCommand({Message: '', TopicArn}))).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(sns.send(new PublishCommand({Message: 'x', Subject: 'two\nlines', TopicArn}))).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(sns.send(new PublishCommand({Message: 'x', Subject: 'x'.repeat(101), TopicArn}))).rejects.toBeInstanceOf(InvalidParameterException)
  })
})
