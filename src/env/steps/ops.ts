/**
 * The site's day-two resources (src/ops/): the seed's log groups, which its
 * CloudWatch agent writes to but may not create (the instance role allows
 * only CreateLogStream/PutLogEvents on them), and the notification topic with
 * its email subscription when hactl.yml has `notify`.
 */
import {defineStep, type Step} from '../../core/steps'
import {ensureNotifyTopic, notifyConfigured} from '../../ops/notify'
import {INSTANCE_LOG_RETENTION_DAYS, seedLogGroups} from '../../site/log-groups'
import {tagsFor} from '../spec'
import type {EnvStepOptions} from './context'

export function seedLogGroupsStep({clients, config, note}: EnvStepOptions): Step<readonly string[]> {
  const groups = seedLogGroups(config.site).map(({group}) => group)
  return defineStep({
    describe: () => `${groups.length} log groups`,
    id: 'env/seed-log-groups',
    async run() {
      const logs = await clients.logs()
      for (const group of groups) {
        const created = await logs.ensureLogGroup(group, {retentionDays: INSTANCE_LOG_RETENTION_DAYS, tags: tagsFor(config, 'seed')})
        note('log group', group, group, created ? 'created' : 'found')
      }

      return groups
    },
    title: "Seed's log groups (CloudWatch Logs)",
  })
}

/** Undefined when hactl.yml has no `notify`: nothing to make. */
export function notifyStep({clients, config, note}: EnvStepOptions): Step<string | undefined> {
  return defineStep({
    describe: () => (config.notify.email ? `topic, ${config.notify.email}` : 'topic'),
    id: 'env/notify',
    async run() {
      if (!notifyConfigured(config)) return undefined
      const result = await ensureNotifyTopic(clients, config, tagsFor(config, 'notify'))
      note('SNS topic', result.topicArn.split(':').at(-1) ?? '', result.topicArn, 'found')
      if (result.email) note('email subscription', result.email.address, result.email.state === 'subscribed' ? 'pending confirmation' : result.email.state, result.email.state === 'subscribed' ? 'created' : 'found')
      return result.topicArn
    },
    title: 'Notifications (SNS topic, email subscription)',
  })
}
