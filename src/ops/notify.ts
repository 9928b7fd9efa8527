/**
 * The site's notifications (hactl.yml `notify`): one SNS message per event —
 * a deploy freeze and its end today; rollout start/success/rollback, a bake
 * and failed scheduled tests as those commands call {@link notify}.
 *
 *   env create ─► ensureNotifyTopic: notify.topicArn, or hactl-<site>-notify (SSE with alias/aws/sns, tagged)
 *                  └─ notify.email: subscribed once to that topic (ListSubscriptionsByTopic first)
 *   any command ─► notify(event) ─► secret scan ─► Publish(subject, body) to notify.topicArn or the site topic
 *                    └─ a failure to publish is a warning, never the command's failure
 *
 * With `notify.topicArn` messages go to that topic and no site topic is
 * made; `notify.email`, if set too, is subscribed to that topic (a topic
 * nothing publishes to would only collect a confirmation mail).
 */
import type {AwsClients} from '../aws/clients'
import type {Tags} from '../aws/types'
import {AwsError, ConfigError} from '../core/errors'
import type {Reporter} from '../core/progress'
import {secretShapeOf, secretsInText} from '../security/secret-scan'
import {siteNames} from '../site/names'

/** The AWS-managed key for SNS: encryption at rest with no key of our own to manage. */
export const SNS_MANAGED_KEY = 'alias/aws/sns'

export interface NotifySettings {
  readonly site: string
  readonly region: string
  readonly notify: {readonly email?: string; readonly topicArn?: string}
}

export type NotifyEventKind = 'bake' | 'freeze' | 'rollback' | 'rollout-start' | 'rollout-success' | 'tests-failed' | 'unfreeze'

export interface NotifyEvent {
  readonly kind: NotifyEventKind
  /** One line: becomes the subject (with the site's name in front). */
  readonly title: string
  /** Facts, one per line in the body (who, what, why). No secret: the body is scanned anyway. */
  readonly details: Readonly<Record<string, string | undefined>>
}

export interface NotifyOptions {
  readonly clients: Pick<AwsClients, 'sns' | 'sts'>
  readonly settings: NotifySettings
  readonly reporter: Reporter
}

export interface NotifyResult {
  /** False when notify is not configured, or publishing failed (a warning said why). */
  readonly published: boolean
  readonly topicArn?: string
  readonly messageId?: string
  /** Lines the secret scanner replaced. */
  readonly redacted?: number
}

/** Whether the site has notifications at all. */
export function notifyConfigured(settings: NotifySettings): boolean {
  return Boolean(settings.notify.email || settings.notify.topicArn)
}

/** Where messages go: the operator's own topic, else the site's. */
export function notifyTopicArn(settings: NotifySettings, account: string): string | undefined {
  if (settings.notify.topicArn) return settings.notify.topicArn
  return settings.notify.email ? `arn:aws:sns:${settings.region}:${account}:${siteNames(settings.site, settings.region).notifyTopic}` : undefined
}

const REDACTED = '[redacted]'

/** The body with every line or word the secret scanner flags replaced. */
export function redactMessage(text: string): {text: string; redacted: number} {
  const flagged = new Set(secretsInText(text).map((finding) => finding.line))
  let redacted = 0
  const lines = text.split('\n').map((line, index) => {
    if (flagged.has(index + 1)) {
      redacted += 1
      return REDACTED
    }

    const words = line.split(/(\s+)/)
    const clean = words.map((word) => (word.trim() !== '' && secretShapeOf(word.replace(/^["'(]|["',.)]$/g, '')) !== undefined ? REDACTED : word))
    if (clean.some((word, i) => word !== words[i])) redacted += 1
    return clean.join('')
  })
  return {redacted, text: lines.join('\n')}
}

/** SNS subjects: printable ASCII, no line breaks, at most 100 characters. */
export function subjectOf(site: string, title: string): string {
  const ascii = `hactl ${site}: ${title}`.replaceAll(/[^\u0020-\u007e]/g, '?')
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 99)}…`.replaceAll('…', '~')
}

function bodyOf(settings: NotifySettings, event: NotifyEvent): string {
  const facts = Object.entries(event.details)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => `${name}: ${value}`)
  return [`${event.title}`, '', `site: ${settings.site} (${settings.region})`, `event: ${event.kind}`, ...facts, '', 'Sent by hactl. `hactl status` and `hactl audit` show more.'].join('\n')
}

/**
 * Publishes one message for the event. Never throws: notifications must not
 * fail (or undo) the command that sends them; a failure is a warning.
 */
export async function notify(options: NotifyOptions, event: NotifyEvent): Promise<NotifyResult> {
  const {settings, reporter} = options
  if (!notifyConfigured(settings)) return {published: false}
  try {
    const topicArn = settings.notify.topicArn ?? notifyTopicArn(settings, (await (await options.clients.sts()).getCallerIdentity()).account)
    if (topicArn === undefined) return {published: false}
    const {redacted, text} = redactMessage(bodyOf(settings, event))
    const subject = redactMessage(subjectOf(settings.site, event.title)).text
    const messageId = await (await options.clients.sns()).publish(topicArn, {body: text, subject})
    return {messageId, published: true, redacted: redacted || undefined, topicArn}
  } catch (error) {
    reporter.emit({message: `The notification "${event.title}" was not sent: ${(error as Error).message}. The command itself went on.`, type: 'warning'})
    return {published: false}
  }
}

/** A topic of one's own (`notify.topicArn`) that does not exist is a hactl.yml error, said as one. */
async function subscriptionsOf(sns: Awaited<ReturnType<AwsClients['sns']>>, topicArn: string, ownTopic: boolean): ReturnType<typeof sns.listSubscriptions> {
  try {
    return await sns.listSubscriptions(topicArn)
  } catch (error) {
    if (ownTopic && error instanceof AwsError && error.awsCode === 'NotFound') {
      throw new ConfigError(`notify.topicArn ${topicArn} does not exist (or this account cannot see it).`, {
        suggestions: ['Create the topic first, or remove notify.topicArn from hactl.yml to let hactl make the site\'s own topic.'],
      })
    }
    throw error
  }
}

export interface EnsureNotifyTopicResult {
  readonly topicArn: string
  /** `subscribed`: a confirmation mail went out now; `pending`/`confirmed`: it was subscribed before. */
  readonly email?: {readonly address: string; readonly state: 'confirmed' | 'pending' | 'subscribed'}
}

/**
 * The topic messages go to — `notify.topicArn`, else the site's own
 * (encrypted, tagged) — and the email subscribed to it once. Idempotent.
 */
export async function ensureNotifyTopic(clients: Pick<AwsClients, 'sns'>, settings: NotifySettings, tags: Tags): Promise<EnsureNotifyTopicResult> {
  const sns = await clients.sns()
  const topicArn = settings.notify.topicArn ?? (await sns.ensureTopic(siteNames(settings.site, settings.region).notifyTopic, {attributes: {KmsMasterKeyId: SNS_MANAGED_KEY}, tags}))
  const address = settings.notify.email
  if (!address) return {topicArn}
  const existing = (await subscriptionsOf(sns, topicArn, settings.notify.topicArn !== undefined)).find((sub) => sub.protocol === 'email' && sub.endpoint.toLowerCase() === address.toLowerCase())
  if (existing) return {email: {address, state: existing.arn === 'PendingConfirmation' ? 'pending' : 'confirmed'}, topicArn}
  await sns.subscribeEmail(topicArn, address)
  return {email: {address, state: 'subscribed'}, topicArn}
}
