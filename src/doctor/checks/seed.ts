/**
 * The seed (invariants 1, 5, 6): exactly one, hardened (IMDSv2 with its own
 * tags readable, no inbound rule at all: admins come in through SSM), no
 * secret in its user data or tags, and its cron running.
 */
import type {Instance} from '@aws-sdk/client-ec2'

import {plaintextSecrets, secretsInText} from '../../security/secret-scan'
import {tagOf} from '../attachments'
import {defineCheck, fail, listOf, pass, skip, type Verdict} from '../check'
import type {SeedFacts, SiteFacts} from '../facts'

/** Cron runs every minute; a few missed runs are a stuck or disabled timer. */
export const HEARTBEAT_MAX_AGE_SECONDS = 5 * 60

const CREATE = 'Run `hactl seed create`.'

/** The seed to judge, or the skip that says why there is none. */
function theSeed(facts: SiteFacts): {seed: SeedFacts; instance: Instance} | Verdict {
  if (!facts.seed) return skip('the seed was not read (no SSM access given to doctor)', 'Run `hactl doctor` (it reads the seed through EC2 and SSM).')
  const [instance] = facts.seed.instances
  if (!instance) return skip('the site has no seed', CREATE)
  return {instance, seed: facts.seed}
}

function checkSingle(facts: SiteFacts): Verdict {
  const found = theSeed(facts)
  if ('status' in found) return found
  const ids = found.seed.instances.map((instance) => instance.InstanceId ?? '?')
  if (ids.length > 1) return fail(`${ids.length} seeds are running: ${listOf(ids)}; cron would run on each`, `Run \`hactl seed destroy\` and \`hactl seed create\`, or terminate all but one: aws ec2 terminate-instances --instance-ids ${ids.slice(1).join(' ')}`)
  return pass(`one seed: ${ids[0]}`)
}

function checkMetadata(facts: SiteFacts): Verdict {
  const found = theSeed(facts)
  if ('status' in found) return found
  const id = found.instance.InstanceId ?? '?'
  const options = found.instance.MetadataOptions
  const problems = [
    options?.HttpTokens === 'required' ? undefined : 'accepts IMDSv1 (HttpTokens optional)',
    options?.InstanceMetadataTags === 'enabled' ? undefined : 'cannot read its own tags from IMDS (InstanceMetadataTags disabled), so its cron gate says "web"',
  ].filter((problem): problem is string => problem !== undefined)
  if (problems.length > 0) return fail(`seed ${id} ${problems.join('; ')}`, `aws ec2 modify-instance-metadata-options --instance-id ${id} --http-tokens required --instance-metadata-tags enabled`)
  return pass(`seed ${id}: IMDSv2 required, instance tags in IMDS`)
}

function checkNoInbound(facts: SiteFacts): Verdict {
  const found = theSeed(facts)
  if ('status' in found) return found
  const open = found.seed.groups.filter((group) => (group.IpPermissions ?? []).length > 0)
  if (open.length > 0) {
    const names = open.map((group) => `${group.GroupName ?? group.GroupId} (${group.IpPermissions?.length} rule(s))`)
    return fail(`the seed's security group admits traffic: ${listOf(names)}`, `Remove every inbound rule (admins reach the seed through \`hactl seed tunnel\` and \`hactl seed exec\`): aws ec2 revoke-security-group-ingress --group-id ${open[0].GroupId} --ip-permissions …`)
  }

  return pass(`no inbound rule on ${listOf(found.seed.groups.map((group) => group.GroupName ?? group.GroupId ?? '?'))}`)
}

function checkSecrets(facts: SiteFacts): Verdict {
  const found = theSeed(facts)
  if ('status' in found) return found
  const id = found.instance.InstanceId ?? '?'
  const tags = Object.fromEntries((found.instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
  const inTags = plaintextSecrets(tags).map((finding) => `tag ${finding.name}`)
  const inScript = secretsInText(found.seed.userData ?? '').map((finding) => `user data line ${finding.line}${finding.name ? ` (${finding.name})` : ''}`)
  const where = [...inScript, ...inTags]
  if (where.length > 0) return fail(`seed ${id} holds what looks like a secret in plain text: ${listOf(where)}`, 'Move the secret to Secrets Manager, then `hactl seed destroy` and `hactl seed create` (user data stays with an instance for its life).')
  return pass(`seed ${id}: user data and ${Object.keys(tags).length} tags hold no secret`)
}

function checkCron(facts: SiteFacts): Verdict {
  const found = theSeed(facts)
  if ('status' in found) return found
  const isSeed = tagOf(found.instance.Tags, 'hactl:role') === 'seed'
  const beat = found.seed.heartbeat
  const remedy = 'Look at the timer on the seed: `hactl seed exec -- systemctl status hactl-cron.timer hactl-cron.service`.'
  if (!beat) return fail(`no cron heartbeat from seed ${found.instance.InstanceId ?? '?'} yet${isSeed ? '' : ' (its role tag is not "seed")'}`, remedy)
  // A run written while doctor read comes out "younger than zero": it is fresh.
  const age = Math.max(0, Math.round((found.seed.readAt - Date.parse(beat.at)) / 1000))
  if (Number.isNaN(age) || age > HEARTBEAT_MAX_AGE_SECONDS) return fail(`the last cron run was ${Number.isNaN(age) ? 'at an unreadable time' : `${Math.round(age / 60)} min ago`} (${beat.at})`, remedy)
  if (beat.exit !== 0) return fail(`the last cron run, ${age} s ago, exited ${beat.exit}`, `${remedy} The app's cron log says why.`)
  return pass(`last cron run ${age} s ago, exit 0`)
}

const needs = ['seed'] as const
export const seedSingle = defineCheck({id: 'seed-single', judge: checkSingle, needs: [...needs], title: 'Exactly one seed runs (the only cron runner)'})
export const seedMetadata = defineCheck({id: 'seed-metadata', judge: checkMetadata, needs: [...needs], title: 'Seed requires IMDSv2 and exposes its tags to its cron gate'})
export const seedNoInbound = defineCheck({id: 'seed-no-inbound', judge: checkNoInbound, needs: [...needs], title: 'Seed security group has no inbound rule'})
export const seedSecrets = defineCheck({id: 'seed-secrets', judge: checkSecrets, needs: [...needs], title: 'No secret in the seed\'s user data or tags'})
export const seedCron = defineCheck({id: 'seed-cron', judge: checkCron, needs: [...needs], title: 'Seed cron ran in the last few minutes'})

