/** No secret in plain text in the environment's properties (invariant 5); the scanner is src/security's. */
import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'

import {EB} from '../../aws/eb-options'
import {plaintextSecrets} from '../../security/secret-scan'
import type {SiteNames} from '../../site/names'
import {defineCheck, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

function environmentProperties(settings: readonly ConfigurationOptionSetting[]): Record<string, string> {
  return Object.fromEntries(
    settings.filter((s) => s.Namespace === EB.properties.namespace && s.OptionName !== undefined).map((s) => [s.OptionName ?? '', s.Value ?? '']),
  )
}

function checkNoPlaintextSecrets(facts: SiteFacts, names: SiteNames): Verdict {
  const env = facts.environment
  if (!env) return skip(`no environment ${names.environment} yet`)
  const properties = environmentProperties(env.settings)
  const findings = plaintextSecrets(properties)
  if (findings.length === 0) return pass(`${plural(Object.keys(properties).length, 'environment property')}, none holds a secret in plain text`)
  const [first] = findings
  const what = findings.length === 1 ? `property ${first.name}: ${first.why}` : `properties ${listOf(findings.map((f) => f.name))} hold plain-text secrets (${first.name}: ${first.why})`
  return fail(
    what,
    `Put the value in Secrets Manager or SSM SecureString, read it at boot with the instance role, and remove the property: aws elasticbeanstalk update-environment --environment-name ${names.environment} --options-to-remove Namespace=${EB.properties.namespace},OptionName=${first.name}`,
  )
}

export const noPlaintextSecrets = defineCheck({id: 'no-plaintext-secrets', title: 'No secret in plain text in environment properties', needs: ['environment'], judge: checkNoPlaintextSecrets})
