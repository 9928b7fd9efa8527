import {defineStep, type Step} from '../../core/steps'
import {instancePolicy, INSTANCE_POLICY_NAME, MANAGED_POLICIES, serviceRolePolicy, SERVICE_POLICY_NAME, tagsFor, trustPolicy} from '../spec'
import type {EnvStepOptions} from './context'
import {toRefs, type RefSteps} from './refs'

/** The instance role and profile, and EB's service role, with their managed policies. */
export function iamStep({clients, config, names, note}: EnvStepOptions): Step<string> {
  return defineStep({
    id: 'env/iam',
    async run() {
      const iam = await clients.iam()
      for (const [role, trust, policies, description] of [
        [names.instanceRole, trustPolicy('ec2.amazonaws.com'), MANAGED_POLICIES.instance, `hactl ${config.site}: web instances and seed`],
        [names.serviceRole, trustPolicy('elasticbeanstalk.amazonaws.com'), MANAGED_POLICIES.service, `hactl ${config.site}: Elastic Beanstalk service role`],
      ] as const) {
        const created = await iam.createRole({description, name: role, tags: tagsFor(config, 'iam'), trustPolicy: trust})
        note('IAM role', role, role, created ? 'created' : 'found')
        const attached = await iam.attachedPolicies(role)
        for (const arn of policies) if (!attached.includes(arn)) await iam.attachRolePolicy(role, arn)
      }

      // Health streaming to CloudWatch Logs (spec.ts serviceRolePolicy); idempotent, so every run.
      await iam.putRolePolicy(names.serviceRole, SERVICE_POLICY_NAME, serviceRolePolicy())

      const profile = await iam.getInstanceProfile(names.instanceProfile)
      if (!profile?.Roles?.length) await iam.ensureInstanceProfile(names.instanceProfile, names.instanceRole, tagsFor(config, 'iam'))
      note('instance profile', names.instanceProfile, names.instanceProfile, profile ? 'found' : 'created')
      return `${names.instanceProfile}, ${names.serviceRole}`
    },
    title: 'IAM roles',
  })
}

/** The inline policy that lets the instances read the site's secrets and mount its uploads: it names them, so it waits for them. */
export function instancePolicyStep({clients, config, names}: EnvStepOptions, needs: RefSteps & {iam: Step<string>}): Step<string> {
  return defineStep({
    id: 'env/instance-policy',
    needs,
    async run(inputs) {
      const iam = await clients.iam()
      await iam.putRolePolicy(names.instanceRole, INSTANCE_POLICY_NAME, instancePolicy(config, toRefs(inputs)))
      return `${INSTANCE_POLICY_NAME} on ${names.instanceRole}`
    },
    title: 'Instance access to secrets and uploads',
  })
}
