/**
 * The HTTPS spec: real EB namespaces and option names (EB Developer Guide,
 * command-options-general, aws:elbv2:listener; configuring-https-httpredirect
 * for the redirect), the lb group's ports, and the redirect file only with a domain.
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/configuring-https-httpredirect.html
 */
import {parse} from 'yaml'

import {ebextensionProblems} from '../../../src/env/bundle'
import {isEbNamespace} from '../../../src/env/eb-namespaces'
import {certificateNames, httpsBundleFiles, httpsOptionSettings, nameCovers, REDIRECT_CONFIG, TLS_POLICY} from '../../../src/env/https'
import {securityGroupSpecs} from '../../../src/env/spec'
import {testConfig} from '../../_helpers/config'

const IDS = {cache: 'sg-c', db: 'sg-d', efs: 'sg-e', lb: 'sg-l', seed: 'sg-s', web: 'sg-w'}

describe('HTTPS spec', () => {
  it('sets the 443 listener with the documented aws:elbv2:listener options, only with a certificate', () => {
    expect(httpsOptionSettings(undefined)).toEqual([])
    const settings = httpsOptionSettings('arn:aws:acm:eu-west-1:123456789012:certificate/x')
    expect(settings.every((s) => isEbNamespace(s.Namespace ?? ''))).toBe(true)
    // The aws:elbv2:listener options EB documents.
    expect(settings.map((s) => s.OptionName).sort()).toEqual(['DefaultProcess', 'ListenerEnabled', 'Protocol', 'SSLCertificateArns', 'SSLPolicy'])
    expect(settings.find((s) => s.OptionName === 'SSLPolicy')?.Value).toBe(TLS_POLICY)
  })

  it('redirects 80 with a 301 through the ALB listener resource EB names AWSEBV2LoadBalancerListener, a valid .ebextensions file', () => {
    expect(ebextensionProblems(REDIRECT_CONFIG)).toEqual([])
    const listener = parse(REDIRECT_CONFIG).Resources.AWSEBV2LoadBalancerListener
    expect(listener.Properties).toMatchObject({LoadBalancerArn: {Ref: 'AWSEBV2LoadBalancer'}, Port: 80, Protocol: 'HTTP'})
    expect(listener.Properties.DefaultActions).toEqual([{RedirectConfig: expect.objectContaining({Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301'}), Type: 'redirect'}])
    expect(httpsBundleFiles(testConfig())).toEqual([])
    expect(httpsBundleFiles(testConfig({domain: 'www.example.org'})).map((f) => f.path)).toEqual(['.ebextensions/30-hactl-https-redirect.config'])
  })

  it('opens the load balancer on 80 and, with a domain, 443; nothing else', () => {
    const ports = (config: ReturnType<typeof testConfig>) => securityGroupSpecs(config, IDS).find((g) => g.role === 'lb')?.ingress.map((p) => p.FromPort)
    expect(ports(testConfig())).toEqual([80])
    expect(ports(testConfig({domain: 'www.example.org'}))).toEqual([80, 443])
  })

  it('names the domain and the alternative names; a wildcard covers one label', () => {
    expect(certificateNames(testConfig({domain: 'WWW.example.org', https: {alternativeNames: ['example.org'], hstsMaxAge: 0}}))).toEqual(['www.example.org', 'example.org'])
    expect(nameCovers('*.example.org', 'www.example.org')).toBe(true)
    expect(nameCovers('*.example.org', 'a.b.example.org')).toBe(false)
    expect(nameCovers('*.example.org', 'example.org')).toBe(false)
  })
})
