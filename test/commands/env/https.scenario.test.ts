/**
 * Issue 13 on the sandbox: with `domain: www.example.org`, env create ends
 * with the certificate issued and the HTTPS listener (with its TLS policy)
 * in the environment's option settings, the redirect in the bundle, and a
 * re-run changes nothing. Without a hosted zone, `--wait 5` prints the
 * validation record and exits 7; the re-run finishes once ACM validates.
 *
 * Option names checked against the EB Developer Guide, command-options-general
 * (aws:elbv2:listener) and configuring-https-httpredirect (the ALB redirect):
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/configuring-https-httpredirect.html
 */
import {appendFileSync} from 'node:fs'
import {join} from 'node:path'

import {CreateHostedZoneCommand, Route53Client} from '@aws-sdk/client-route-53'

import {AwsClients} from '../../../src/aws/clients'
import {settingOf} from '../../../src/aws/eb-options'
import {ExitCode} from '../../../src/core/exit-codes'
import {HTTPS_LISTENER, TLS_POLICY} from '../../../src/env/https'
import {openSandbox} from '../../../src/sandbox'
import {exitCodeOf, INIT_WORDPRESS_DEMO, type Project, useScratchProject} from '../../_helpers/cli'

const WAIT = ['--wait', '100000']

function sandboxOf(project: Project) {
  return openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')})
}

async function createZone(project: Project, name: string): Promise<void> {
  const client = new Route53Client({credentials: {accessKeyId: 'ASIASANDBOXSANDBOX00', secretAccessKey: 'sandbox'}, region: 'eu-west-1'})
  client.middlewareStack.use(sandboxOf(project).plugin('route53'))
  await client.send(new CreateHostedZoneCommand({CallerReference: 'test', Name: name}))
}

describe('hactl env create with a domain (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  beforeEach(() => {
    appendFileSync(project.configPath, 'domain: www.example.org\n')
  })

  it('with a hosted zone: certificate issued, HTTPS listener and redirect in place, doctor passes, a re-run changes nothing', async () => {
    await createZone(project, 'example.org')
    const planned = JSON.parse((await project.run(['plan', '--json'])).stdout)
    expect(planned.optionSettings).toEqual(expect.arrayContaining([
      {namespace: 'aws:elbv2:listener:443', option: 'SSLPolicy', value: TLS_POLICY},
      {namespace: 'aws:elbv2:listener:443', option: 'SSLCertificateArns', value: '(ACM certificate for www.example.org)'},
    ]))
    expect(planned.resources.find((r: {kind: string}) => r.kind === 'EB environment').settings).toMatchObject({httpRedirect: expect.stringMatching(/^80 → 301/), httpsListener: `443 HTTPS with ${TLS_POLICY}`})
    expect(planned.bundle.files.map((f: {path: string}) => f.path)).toContain('.ebextensions/30-hactl-https-redirect.config')
    const created = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(created)).toBe(0)
    const result = JSON.parse(created.stdout)
    expect(result.resources).toEqual(expect.arrayContaining([
      expect.objectContaining({action: 'created', kind: 'ACM certificate', name: 'www.example.org'}),
      expect.objectContaining({action: 'created', kind: 'DNS validation record'}),
    ]))

    const aws = new AwsClients({sandbox: sandboxOf(project), version: 'test'})
    const [acm, eb] = await Promise.all([aws.acm(), aws.eb()])
    const [cert] = await acm.findCertificates({'hactl:site': 'demo'})
    expect(cert).toMatchObject({names: ['www.example.org'], status: 'ISSUED'})
    const settings = await eb.configurationSettings('hactl-demo', 'hactl-demo')
    const ns = HTTPS_LISTENER.namespace
    expect(settingOf(settings, ns, 'Protocol')).toBe('HTTPS')
    expect(settingOf(settings, ns, 'ListenerEnabled')).toBe('true')
    expect(settingOf(settings, ns, 'SSLCertificateArns')).toBe(cert.arn)
    expect(settingOf(settings, ns, 'SSLPolicy')).toBe(TLS_POLICY)

    const doctor = await project.run(['doctor', '--sandbox', '--json'])
    const report = JSON.parse(doctor.stdout)
    expect(report.checks.find((c: {id: string}) => c.id === 'https')).toMatchObject({status: 'pass'})
    expect(report.checks.find((c: {id: string}) => c.id === 'https').detail).toMatch(/HTTPS on 443 with ELBSecurityPolicy-.*port 80 answers 301.*is issued.*covers www\.example\.org.*expires/)

    const status = JSON.parse((await project.run(['env', 'status', '--sandbox', '--json'])).stdout)
    expect(status.https).toMatchObject({certificateArn: cert.arn, domain: 'www.example.org', renewalEligibility: 'ELIGIBLE', status: 'ISSUED'})
    expect(Date.parse(status.https.notAfter)).toBeGreaterThan(Date.now())

    const again = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(again)).toBe(0)
    expect(JSON.parse(again.stdout).resources.filter((r: {action: string}) => r.action !== 'found')).toEqual([])
  })

  it('without a hosted zone: --wait 5 prints the validation record and exits 7; the re-run finishes once ACM validates', async () => {
    const first = await project.run(['env', 'create', '--sandbox', '--yes', '--wait', '5'], {HACTL_SANDBOX_SPEED: '60'})
    expect(exitCodeOf(first)).toBe(ExitCode.TimedOut)
    expect(first.stderr).toMatch(/Create this DNS record at your DNS provider so ACM can issue the certificate: _[0-9a-f]{32}\.www\.example\.org\. CNAME _[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws\./)
    expect(first.stderr).toMatch(/hactl env create/)

    const second = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(second)).toBe(0)
    const aws = new AwsClients({sandbox: sandboxOf(project), version: 'test'})
    const certs = await (await aws.acm()).findCertificates({'hactl:site': 'demo'})
    expect(certs).toHaveLength(1)
    expect(certs[0].status).toBe('ISSUED')
  })
})
