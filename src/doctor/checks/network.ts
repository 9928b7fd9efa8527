/**
 * The site's VPC (AWS-NOTES-2 A.1 rows 3 and 27): it resolves DNS names and
 * gives instances DNS hostnames (else the EFS mount by DNS name fails and no
 * deployment succeeds), and the instance subnets reach the internet through
 * a NAT route or have the VPC endpoints the instances need.
 */
import {EGRESS_FIX, describeEgressGap} from '../../env/network'
import {defineCheck, fail, pass, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

/** Why there are no VPC facts: the network did not resolve (efs-mount-targets fails with that), or it was not read. */
function unread(facts: SiteFacts): Verdict {
  const network = facts.network
  if (network && !('subnets' in network)) return skip(`cannot read the site's VPC: ${network.message}`, network.suggestions[0] ?? 'Check network in hactl.yml.')
  return skip('the site\'s VPC was not read', 'Run `hactl doctor` again: it reads the VPC for this check.')
}

function checkVpcDns(facts: SiteFacts): Verdict {
  const vpc = facts.vpc
  if (!vpc) return unread(facts)
  const off = [!vpc.dns.support && 'enableDnsSupport', !vpc.dns.hostnames && 'enableDnsHostnames'].filter((name): name is string => typeof name === 'string')
  if (off.length === 0) return pass(`${vpc.vpcId} has DNS support and DNS hostnames on`)
  const flags = off.map((name) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`)
  return fail(
    `${vpc.vpcId} has ${off.join(' and ')} off: instances cannot resolve the EFS file system's DNS name, so deployments fail`,
    flags.map((flag) => `aws ec2 modify-vpc-attribute --vpc-id ${vpc.vpcId} ${flag} '{"Value":true}'`).join('; then '),
  )
}

function checkVpcEgress(facts: SiteFacts): Verdict {
  const vpc = facts.vpc
  if (!vpc) return unread(facts)
  if (!vpc.egress.ok) return fail(describeEgressGap(vpc.egress), EGRESS_FIX)
  if (vpc.egress.subnetsWithoutRoute.length > 0) return pass(`${vpc.vpcId}'s private subnets reach AWS through VPC endpoints`)
  return pass('every instance subnet has a route to the internet')
}

export const vpcDns = defineCheck({id: 'vpc-dns', title: 'The VPC gives instances DNS names and resolves them', needs: ['vpc'], judge: checkVpcDns})
export const vpcEgress = defineCheck({id: 'vpc-egress', title: 'Instances can reach the AWS services they need', needs: ['vpc'], judge: checkVpcEgress})
