/**
 * The site over HTTPS, computed from hactl.yml alone (like spec.ts): the
 * names the certificate covers, the HTTPS listener's option settings, and
 * the bundle file that makes the load balancer redirect HTTP to HTTPS.
 *
 *   browser ─► ALB :80  ── 301 https://#{host}:443/#{path}?#{query}
 *          └─► ALB :443 (ACM certificate, TLS policy) ─► instances :80 (X-Forwarded-Proto: https)
 *
 * Everything here lives in the environment's own CloudFormation stack (EB
 * option settings and the bundle's .ebextensions), so terminating the
 * environment leaves nothing behind, and every `env create` sets it again.
 * Without `domain` nothing changes: port 80 forwards as before.
 */
import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'

import type {HactlConfig} from '../config/schema'
import {buildBundle, type Bundle, type BundleFile} from './bundle'

/**
 * The TLS security policy of the HTTPS listener. Set explicitly because a
 * listener created through the API or CloudFormation (as EB creates it) gets
 * `ELBSecurityPolicy-2016-08`, which still accepts TLS 1.0 and 1.1. This is
 * the policy the console now picks for new HTTPS listeners: TLS 1.3 and 1.2
 * only, forward-secret AEAD ciphers, with hybrid post-quantum key exchange
 * (ELB Application Load Balancers Guide, "Security policies for your
 * Application Load Balancer", describe-ssl-policies:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
 */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09'

/**
 * The HTTPS listener's namespace and options, as the EB Developer Guide
 * lists them for `aws:elbv2:listener` ("General options for all
 * environments", command-options-general#command-options-general-elbv2-listener:
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html;
 * also configuring-https-elb.html, "Application Load Balancer" config file).
 */
export const HTTPS_LISTENER = {
  namespace: 'aws:elbv2:listener:443',
  DefaultProcess: 'DefaultProcess',
  ListenerEnabled: 'ListenerEnabled',
  Protocol: 'Protocol',
  SSLCertificateArns: 'SSLCertificateArns',
  SSLPolicy: 'SSLPolicy',
} as const

/** The bundle file that turns port 80 into a redirect. */
export const REDIRECT_CONFIG_PATH = '.ebextensions/30-hactl-https-redirect.config'

/**
 * EB has no option for a redirect: `aws:elbv2:listenerrule` rules can only
 * forward to a process. The EB Developer Guide's ALB method ("Configuring
 * HTTP to HTTPS redirection", configuring-https-httpredirect:
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/configuring-https-httpredirect.html,
 * sample alb-http-to-https-redirection-full.config) overrides the default
 * listener resource EB's template already has, AWSEBV2LoadBalancerListener,
 * with a `redirect` default action. It stays in the environment's stack:
 * gone when the environment is terminated.
 */
export const REDIRECT_CONFIG = `# Written by hactl when hactl.yml sets a domain: HTTP on port 80 answers with
# a permanent redirect to HTTPS, done by the load balancer, not the app.
# EB Developer Guide, configuring-https-httpredirect (Application Load Balancer).
Resources:
  AWSEBV2LoadBalancerListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn:
        Ref: AWSEBV2LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig:
            Protocol: HTTPS
            Port: "443"
            Host: "#{host}"
            Path: "/#{path}"
            Query: "#{query}"
            StatusCode: HTTP_301
`

/** True when the site is served over HTTPS (hactl.yml sets a domain). */
export function httpsEnabled(config: HactlConfig): boolean {
  return config.domain !== undefined
}

/** The names the certificate must cover: the domain, then the alternative names (lower case, once each). */
export function certificateNames(config: HactlConfig): string[] {
  if (!config.domain) return []
  return [...new Set([config.domain, ...config.https.alternativeNames].map((name) => name.toLowerCase()))]
}

/** True when a certificate name (maybe `*.example.org`) covers `host`. */
export function nameCovers(certificateName: string, host: string): boolean {
  const name = certificateName.toLowerCase()
  const target = host.toLowerCase()
  if (name === target) return true
  // A wildcard covers exactly one label: *.example.org covers www.example.org, not a.b.example.org.
  return name.startsWith('*.') && target.endsWith(name.slice(1)) && !target.slice(0, -name.length + 1).includes('.')
}

/** The names of `wanted` that none of `names` covers. */
export function uncoveredNames(names: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((host) => !names.some((name) => nameCovers(name, host)))
}

/** The HTTPS listener's option settings; none without a certificate. */
export function httpsOptionSettings(certificateArn: string | undefined): ConfigurationOptionSetting[] {
  if (!certificateArn) return []
  const {namespace} = HTTPS_LISTENER
  return [
    {Namespace: namespace, OptionName: HTTPS_LISTENER.ListenerEnabled, Value: 'true'},
    {Namespace: namespace, OptionName: HTTPS_LISTENER.Protocol, Value: 'HTTPS'},
    {Namespace: namespace, OptionName: HTTPS_LISTENER.SSLCertificateArns, Value: certificateArn},
    {Namespace: namespace, OptionName: HTTPS_LISTENER.SSLPolicy, Value: TLS_POLICY},
    {Namespace: namespace, OptionName: HTTPS_LISTENER.DefaultProcess, Value: 'default'},
  ]
}

/** The bundle's HTTPS files: the redirect, only when the site has a domain. */
export function httpsBundleFiles(config: HactlConfig): BundleFile[] {
  return httpsEnabled(config) ? [{content: REDIRECT_CONFIG, mode: 0o644, path: REDIRECT_CONFIG_PATH}] : []
}

/** `base` with the site's HTTPS files added (a new version label), or `base` itself without a domain. */
export function siteBundle(config: HactlConfig, base: Bundle): Bundle {
  const extra = httpsBundleFiles(config).filter((file) => !base.files.some((f) => f.path === file.path))
  return extra.length === 0 ? base : buildBundle([...base.files, ...extra])
}
