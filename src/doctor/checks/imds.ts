/** IMDSv2 (invariant 2): the instances, and the environment's launch settings, refuse IMDSv1. */
import {EB, settingOf} from '../../aws/eb-options'
import type {SiteNames} from '../../site/names'
import {uniqueInstances} from '../attachments'
import {defineCheck, ebSetting, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

function checkImdsv2(facts: SiteFacts, names: SiteNames): Verdict {
  const env = facts.environment
  const instances = uniqueInstances([...(env?.instances ?? []), ...facts.siteInstances])
  if (!env && instances.length === 0) return skip(`no environment ${names.environment} and no instances of the site yet`)
  const problems: string[] = []
  const remedies: string[] = []
  if (env && settingOf(env.settings, EB.launch.namespace, EB.launch.DisableIMDSv1)?.toLowerCase() !== 'true') {
    problems.push(`${names.environment} does not set DisableIMDSv1=true, so new instances accept IMDSv1`)
    remedies.push(ebSetting(names.environment, EB.launch.namespace, EB.launch.DisableIMDSv1, 'true'))
  }

  const optional = instances.filter((instance) => instance.MetadataOptions?.HttpTokens !== 'required').map((i) => i.InstanceId ?? '?')
  if (optional.length > 0) {
    problems.push(`${listOf(optional)} accept${optional.length === 1 ? 's' : ''} IMDSv1 (HttpTokens optional)`)
    remedies.push(`aws ec2 modify-instance-metadata-options --http-tokens required --instance-id ${optional[0]}${optional.length > 1 ? ' (each instance)' : ''}`)
  }

  if (problems.length > 0) return fail(problems.join('; '), remedies.join('; then '))
  return pass(`IMDSv2 required on ${plural(instances.length, 'instance')}${env ? ' and in the launch settings' : ''}`)
}

export const imdsv2 = defineCheck({id: 'imdsv2', title: 'Instances require IMDSv2', needs: ['environment', 'siteInstances'], judge: checkImdsv2})
