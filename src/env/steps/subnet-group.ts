import type {HactlConfig} from '../../config/schema'
import {defineStep, type Step} from '../../core/steps'
import type {SiteNetwork} from '../network'
import {tagsFor, type Tags} from '../spec'
import type {EnvStepOptions} from './context'
import type {NetworkOutput} from './network'

/** What RDS and ElastiCache both offer for the subnet groups of the data tier. */
export interface SubnetGroupApi {
  describeSubnetGroup(name: string): Promise<unknown>
  createSubnetGroup(input: {description: string; name: string; subnetIds: readonly string[]; tags: Tags}): Promise<unknown>
}

export interface SubnetGroupSpec {
  readonly kind: string
  readonly name: string
  readonly role: string
  readonly what: string
}

/** The data tier's subnet group over the instance subnets, found or created. */
export async function ensureSubnetGroup(
  api: SubnetGroupApi,
  network: SiteNetwork,
  group: SubnetGroupSpec,
  {config, note}: {readonly config: HactlConfig; readonly note: EnvStepOptions['note']},
): Promise<void> {
  const found = await api.describeSubnetGroup(group.name)
  if (!found) {
    await api.createSubnetGroup({
      description: `hactl ${config.site}: ${group.what} subnets`,
      name: group.name,
      subnetIds: network.subnets,
      tags: tagsFor(config, group.role),
    })
  }

  note(group.kind, group.name, group.name, found ? 'found' : 'created')
}

/** The data tier's two subnet groups: where each lives and how it is named and tagged. */
const SUBNET_GROUPS = {
  cache: {
    api: (clients: EnvStepOptions['clients']): Promise<SubnetGroupApi> => clients.elasticache(),
    group: (names: EnvStepOptions['names']): SubnetGroupSpec => ({kind: 'cache subnet group', name: names.cacheSubnetGroup, role: 'cache', what: 'cache'}),
    title: 'Cache subnet group',
  },
  db: {
    api: (clients: EnvStepOptions['clients']): Promise<SubnetGroupApi> => clients.rds(),
    group: (names: EnvStepOptions['names']): SubnetGroupSpec => ({kind: 'DB subnet group', name: names.dbSubnetGroup, role: 'db', what: 'database'}),
    title: 'DB subnet group',
  },
} as const

/** The step that finds or creates the database's or the cache's subnet group (`env/db-subnet-group`, `env/cache-subnet-group`). */
export function subnetGroupStep(options: EnvStepOptions, needs: {network: Step<NetworkOutput>}, tier: keyof typeof SUBNET_GROUPS): Step<void> {
  const {api, group, title} = SUBNET_GROUPS[tier]
  return defineStep({
    id: `env/${tier}-subnet-group`,
    needs,
    async run({network: {network}}) {
      await ensureSubnetGroup(await api(options.clients), network, group(options.names), options)
    },
    title,
  })
}
