import {defineStep, type Step} from '../../core/steps'
import {resolveNetwork, type SiteNetwork} from '../network'
import type {EnvStepOptions} from './context'

export interface NetworkOutput {
  readonly network: SiteNetwork
  readonly account: string
  /** The Availability Zones of the instance subnets, sorted. */
  readonly zones: readonly string[]
}

function zonesOf(network: SiteNetwork): string[] {
  return [...new Set(network.subnets.map((subnet) => network.zoneOf[subnet]).filter(Boolean))].sort()
}

/** The VPC and subnets hactl.yml names (or the default VPC's), and the account id the policies name. */
export function networkStep({clients, config}: EnvStepOptions): Step<NetworkOutput> {
  return defineStep({
    describe: ({network}) => `${network.vpcId}, ${network.subnets.length} subnets in ${new Set(Object.values(network.zoneOf)).size} AZs`,
    id: 'env/network',
    async run() {
      const [ec2, sts] = await Promise.all([clients.ec2(), clients.sts()])
      const [network, identity] = await Promise.all([resolveNetwork(ec2, config), sts.getCallerIdentity()])
      return {account: identity.account, network, zones: zonesOf(network)}
    },
    title: 'Network',
  })
}
