import {join} from 'node:path'

import {ACMClient, DescribeCertificateCommand, RequestCertificateCommand} from '@aws-sdk/client-acm'
import {ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client} from '@aws-sdk/client-route-53'

import {ManualClock} from '../../../src/core/clock'
import {openSandbox} from '../../../src/sandbox'
import {ACM_TIMINGS} from '../../../src/sandbox/services/acm'
import {tempStateDir} from './clients'

const credentials = {accessKeyId: 'ASIASANDBOXSANDBOX00', secretAccessKey: 'sandbox'}

function setup() {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'))
  const handle = openSandbox({clock, region: 'eu-west-1', stateDir: join(tempStateDir(), '.hactl')})
  const acm = new ACMClient({credentials, maxAttempts: 1, region: 'eu-west-1'})
  acm.middlewareStack.use(handle.plugin('acm'))
  const r53 = new Route53Client({credentials, maxAttempts: 1, region: 'eu-west-1'})
  r53.middlewareStack.use(handle.plugin('route53'))
  return {acm, clock, r53}
}

describe('sandbox ACM and Route 53', () => {
  it('issues a certificate 2 minutes after its validation CNAME is in a zone, and not before', async () => {
    const {acm, clock, r53} = setup()
    const zone = await r53.send(new CreateHostedZoneCommand({CallerReference: 'a', Name: 'example.org'}))
    const request = new RequestCertificateCommand({DomainName: 'www.example.org', IdempotencyToken: 'tok', ValidationMethod: 'DNS'})
    const {CertificateArn} = await acm.send(request)
    expect((await acm.send(request)).CertificateArn).toBe(CertificateArn)
    let cert = (await acm.send(new DescribeCertificateCommand({CertificateArn}))).Certificate
    expect(cert?.Status).toBe('PENDING_VALIDATION')
    expect(cert?.DomainValidationOptions?.[0].ResourceRecord).toBeUndefined()

    clock.advance(ACM_TIMINGS.recordsAfterMs)
    cert = (await acm.send(new DescribeCertificateCommand({CertificateArn}))).Certificate
    const record = cert?.DomainValidationOptions?.[0].ResourceRecord
    expect(record?.Name).toMatch(/^_[0-9a-f]{32}\.www\.example\.org\.$/)
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        ChangeBatch: {Changes: [{Action: 'UPSERT', ResourceRecordSet: {Name: record?.Name, ResourceRecords: [{Value: record?.Value}], TTL: 300, Type: 'CNAME'}}]},
        HostedZoneId: zone.HostedZone?.Id,
      }),
    )
    clock.advance(ACM_TIMINGS.validateAfterRecordMs - 1)
    expect((await acm.send(new DescribeCertificateCommand({CertificateArn}))).Certificate?.Status).toBe('PENDING_VALIDATION')
    clock.advance(1)
    cert = (await acm.send(new DescribeCertificateCommand({CertificateArn}))).Certificate
    expect(cert).toMatchObject({RenewalEligibility: 'ELIGIBLE', Status: 'ISSUED'})
    expect(cert?.NotAfter?.getTime()).toBe(clock.now() + ACM_TIMINGS.validityMs)
  })

  it("answers AWS's errors: unknown certificate, malformed ARN, a record outside the zone", async () => {
    const {acm, r53} = setup()
    await expect(acm.send(new DescribeCertificateCommand({CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000'}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
    await expect(acm.send(new DescribeCertificateCommand({CertificateArn: 'nope'}))).rejects.toMatchObject({name: 'InvalidArnException'})
    const zone = await r53.send(new CreateHostedZoneCommand({CallerReference: 'b', Name: 'example.org'}))
    await expect(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          ChangeBatch: {Changes: [{Action: 'CREATE', ResourceRecordSet: {Name: 'www.other.org', ResourceRecords: [{Value: 'x'}], TTL: 60, Type: 'CNAME'}}]},
          HostedZoneId: zone.HostedZone?.Id,
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidChangeBatch'})
  })
})
