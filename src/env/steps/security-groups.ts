import {defineStep, type Step} from '../../core/steps'
import {SECURITY_GROUP_ROLES, type SecurityGroupRole} from '../../site/names'
import {securityGroupSpecs, tagsFor} from '../spec'
import type {EnvStepOptions} from './context'
import type {NetworkOutput} from './network'

export type SecurityGroupIds = Readonly<Record<SecurityGroupRole, string>>

/** The six groups, found or created, then their rules (which need every group's id). */
export function securityGroupsStep(options: EnvStepOptions, needs: {network: Step<NetworkOutput>}): Step<SecurityGroupIds> {
  const {clients, config, names, note} = options
  return defineStep({
    describe: (groups) => SECURITY_GROUP_ROLES.map((role) => `${role} ${groups[role]}`).join(', '),
    id: 'env/security-groups',
    needs,
    async run({network: {network}}) {
      const ec2 = await clients.ec2()
      const {vpcId} = network
      const existing = await ec2.findSecurityGroups(vpcId, Object.values(names.securityGroup))
      // Descriptions do not depend on the ids, which only the rules below need.
      const ids: Partial<Record<SecurityGroupRole, string>> = {}
      for (const spec of securityGroupSpecs(config, names.securityGroup)) {
        const found = existing.get(spec.name)?.GroupId
        const id = found ?? (await ec2.createSecurityGroup({description: spec.description, name: spec.name, tags: tagsFor(config, spec.role), vpcId}))
        ids[spec.role] = id
        note('security group', spec.name, id, found ? 'found' : 'created')
      }

      const groups = complete(ids)
      // Rules need every group's id (the data tier admits the web and seed groups).
      for (const spec of securityGroupSpecs(config, groups)) {
        if (spec.ingress.length > 0) await ec2.authorizeIngress(groups[spec.role], spec.ingress)
      }

      return groups
    },
    title: 'Security groups',
  })
}

/** Every role has its id once the loop above has run; this says so without a cast. */
function complete(ids: Partial<Record<SecurityGroupRole, string>>): SecurityGroupIds {
  const pick = (role: SecurityGroupRole): string => {
    const id = ids[role]
    if (!id) throw new Error(`security group ${role} has no id`)
    return id
  }

  return {cache: pick('cache'), db: pick('db'), efs: pick('efs'), lb: pick('lb'), seed: pick('seed'), web: pick('web')}
}
