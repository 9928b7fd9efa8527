/**
 * The ids and endpoints the EB option settings, the environment properties
 * and the instance policy name (spec.ts `Refs`), gathered from the outputs of
 * the steps that made them.
 */
import type {Step, StepInputs} from '../../core/steps'
import type {Refs} from '../spec'
import type {CacheRefs} from './cache'
import type {CertificateOutput} from './certificate'
import type {DatabaseRefs} from './database'
import type {AccessPointOutput, FileSystemOutput} from './efs'
import type {NetworkOutput} from './network'
import type {SecurityGroupIds} from './security-groups'

export interface RefSteps {
  readonly network: Step<NetworkOutput>
  readonly groups: Step<SecurityGroupIds>
  readonly efs: Step<FileSystemOutput>
  readonly accessPoint: Step<AccessPointOutput>
  readonly database: Step<DatabaseRefs>
  readonly cache: Step<CacheRefs>
  /** The app's own DB secret (steps/pointers.ts). */
  readonly appDbSecret: Step<string>
  readonly certificate: Step<CertificateOutput>
}

export function toRefs(inputs: StepInputs<RefSteps>): Refs {
  const {network} = inputs.network
  return {
    accessPointId: inputs.accessPoint.accessPointId,
    account: inputs.network.account,
    appDbSecretArn: inputs.appDbSecret,
    cache: inputs.cache,
    certificateArn: inputs.certificate.arn,
    db: inputs.database,
    efsId: inputs.efs.efsId,
    instanceSubnets: network.subnets,
    loadBalancerSubnets: network.loadBalancerSubnets,
    securityGroups: inputs.groups,
    vpcId: network.vpcId,
  }
}
