import type {SnsApi, TopicSubscription} from '../../../src/aws/sns'
import {AwsError, ConfigError} from '../../../src/core/errors'
import {ensureNotifyTopic, redactMessage, subjectOf} from '../../../src/ops/notify'

function fakeSns(subscriptions: Record<string, TopicSubscription[]>): {api: SnsApi; calls: string[]} {
  const calls: string[] = []
  const api: SnsApi = {
    async ensureTopic(name) {
      calls.push(`ensureTopic ${name}`)
      subscriptions[`arn:aws:sns:eu-west-1:123456789012:${name}`] ??= []
      return `arn:aws:sns:eu-west-1:123456789012:${name}`
    },
    async listSubscriptions(topicArn) {
      calls.push(`listSubscriptions ${topicArn}`)
      const found = subscriptions[topicArn]
      if (!found) throw new AwsError('NotFound', 'Topic does not exist')
      return found
    },
    async publish() {
      throw new Error('not expected')
    },
    async subscribeEmail(topicArn, email) {
      calls.push(`subscribeEmail ${topicArn} ${email}`)
      return 'pending confirmation'
    },
  }
  return {api, calls}
}

describe('ensureNotifyTopic', () => {
  const own = 'arn:aws:sns:eu-west-1:123456789012:ops-alerts'
  const settings = (notify: {email?: string; topicArn?: string}) => ({notify, region: 'eu-west-1', site: 'demo'})

  it('makes the site topic and subscribes the email to it when no topic of one\'s own is set', async () => {
    const {api, calls} = fakeSns({})
    const result = await ensureNotifyTopic({sns: async () => api}, settings({email: 'ops@example.org'}), {})
    expect(result).toEqual({email: {address: 'ops@example.org', state: 'subscribed'}, topicArn: 'arn:aws:sns:eu-west-1:123456789012:hactl-demo-notify'})
    expect(calls[0]).toBe('ensureTopic hactl-demo-notify')
  })

  it('with notify.topicArn makes no site topic and subscribes the email to the topic messages go to', async () => {
    const {api, calls} = fakeSns({[own]: []})
    const result = await ensureNotifyTopic({sns: async () => api}, settings({email: 'ops@example.org', topicArn: own}), {})
    expect(result).toEqual({email: {address: 'ops@example.org', state: 'subscribed'}, topicArn: own})
    expect(calls).toEqual([`listSubscriptions ${own}`, `subscribeEmail ${own} ops@example.org`])
  })

  it('a notify.topicArn that does not exist is a hactl.yml error (exit 3), not an AWS failure', async () => {
    const {api} = fakeSns({})
    const made = ensureNotifyTopic({sns: async () => api}, settings({email: 'ops@example.org', topicArn: own}), {})
    await expect(made).rejects.toBeInstanceOf(ConfigError)
    await expect(made).rejects.toThrow(`notify.topicArn ${own} does not exist`)
  })
})

describe('notification text', () => {
  it('redacts what the secret scanner flags, line or word, and keeps the rest', () => {
    const {redacted, text} = redactMessage('deploys frozen\nreason: rotate AKIAIOSFODNN7EXAMPLE now\nDB_PASSWORD=hunter2hunter2')
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE')
    expect(text).not.toContain('hunter2')
    expect(text.split('\n')[0]).toBe('deploys frozen')
    expect(redacted).toBe(2)
  })

  it('keeps subjects to SNS rules: printable ASCII, at most 100 characters', () => {
    expect(subjectOf('demo', 'exam week — no deploys')).toBe('hactl demo: exam week ? no deploys')
    expect(subjectOf('demo', 'x'.repeat(200))).toHaveLength(100)
  })
})
