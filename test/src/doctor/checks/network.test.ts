import type {SiteFacts} from '../../../../src/doctor/run'
import {UserError} from '../../../../src/core/errors'
import {check, failing, healthySite} from '../_helpers/site'

describe('judgeSite: vpc-dns and vpc-egress', () => {
  const healthy = healthySite()
  const withVpc = (vpc: Partial<NonNullable<SiteFacts['vpc']>>): SiteFacts => ({...healthy, vpc: {...healthy.vpc!, ...vpc}})

  it('passes a VPC with DNS on and a way out', () => {
    expect(check(healthy, 'vpc-dns').detail).toBe('vpc-0123 has DNS support and DNS hostnames on')
    expect(check(healthy, 'vpc-egress').detail).toBe('every instance subnet has a route to the internet')
  })

  it('fails DNS hostnames off, naming the command that turns them on', () => {
    const facts = withVpc({dns: {hostnames: false, support: true}})
    expect(failing(facts)).toEqual(['vpc-dns'])
    expect(check(facts, 'vpc-dns')).toMatchObject({
      detail: expect.stringContaining('vpc-0123 has enableDnsHostnames off'),
      remedy: `aws ec2 modify-vpc-attribute --vpc-id vpc-0123 --enable-dns-hostnames '{"Value":true}'`,
    })
  })

  it('fails private subnets with no route and missing endpoints, naming both; passes them with every endpoint', () => {
    const facts = withVpc({egress: {missingEndpoints: ['com.amazonaws.eu-west-1.ssm', 'com.amazonaws.eu-west-1.s3 (gateway)'], ok: false, subnetsWithoutRoute: ['subnet-0a', 'subnet-0b']}})
    expect(failing(facts)).toEqual(['vpc-egress'])
    expect(check(facts, 'vpc-egress')).toMatchObject({
      detail: expect.stringMatching(/^Subnets subnet-0a, subnet-0b \(network\.subnets\) have no route to the internet .* com\.amazonaws\.eu-west-1\.ssm, com\.amazonaws\.eu-west-1\.s3 \(gateway\)/),
      remedy: expect.stringContaining('NAT gateway'),
    })
    const served = withVpc({egress: {missingEndpoints: [], ok: true, subnetsWithoutRoute: ['subnet-0a']}})
    expect(check(served, 'vpc-egress')).toMatchObject({detail: "vpc-0123's private subnets reach AWS through VPC endpoints", status: 'pass'})
  })

  it('skips, saying why, when the network in hactl.yml does not resolve (efs-mount-targets fails with it) or the VPC was not read', () => {
    const broken: SiteFacts = {...healthy, network: new UserError('vpc-not-found', 'VPC vpc-0dead does not exist.', {suggestions: ['Check network.vpcId.']}), vpc: undefined}
    expect(check(broken, 'vpc-dns')).toMatchObject({detail: "cannot read the site's VPC: VPC vpc-0dead does not exist.", status: 'skip'})
    expect(check({...healthy, vpc: undefined}, 'vpc-egress').status).toBe('skip')
  })
})
