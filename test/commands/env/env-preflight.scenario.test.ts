/**
 * Issue 8 (documentation item 2, "found by trying" item 5): env create
 * refuses, before creating anything, a VPC without DNS hostnames and values
 * that do not exist (instance type, DB class, cache node type, Region); it
 * warns about a VPC its instances cannot get out of. Whole commands on the
 * sandbox, whose VPCs are built through the EC2 API as a user would.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {EC2Client} from '@aws-sdk/client-ec2'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'

import {AwsClients} from '../../../src/aws/clients'
import {ExitCode} from '../../../src/core/exit-codes'
import {openSandbox} from '../../../src/sandbox'
import {exitCodeOf, type Project, useScratchProject} from '../../_helpers/cli'
import {privateVpc, type PrivateVpc} from '../../_helpers/private-vpc'

const REGION = 'eu-west-1'
const WAIT = ['--wait', '100000']

function sandboxFor(project: Project, region = REGION) {
  return openSandbox({region, speed: 100_000, stateDir: join(project.dir, '.hactl')})
}

/** A raw EC2 client on the project's sandbox, for building VPCs as a user would. */
function ec2For(project: Project): EC2Client {
  const client = new EC2Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: REGION, retryStrategy: new ConfiguredRetryStrategy(2, () => 0)})
  client.middlewareStack.use(sandboxFor(project).plugin('ec2'))
  return client
}

/** Whatever env create makes first, in any order: none of it may exist after a refusal. */
async function madeAnything(project: Project, region = REGION): Promise<string[]> {
  const aws = new AwsClients({sandbox: sandboxFor(project, region), version: 'test'})
  const [ec2, efs, eb, iam, rds, cache] = await Promise.all([aws.ec2(), aws.efs(), aws.eb(), aws.iam(), aws.rds(), aws.elasticache()])
  const found = [
    (await ec2.describeSecurityGroups({tags: {'hactl:site': 'demo'}})).length > 0 && 'security groups',
    (await efs.findFileSystem('hactl-demo-uploads')) && 'EFS',
    (await eb.describeApplication('hactl-demo')) && 'EB application',
    (await iam.getRole(`hactl-demo-${region}-eb-service`)) && 'service role',
    (await iam.getRole(`hactl-demo-${region}-instance`)) && 'instance role',
    (await rds.describeSubnetGroup('hactl-demo')) && 'DB subnet group',
    (await rds.describeInstance('hactl-demo-db')) && 'database',
    (await cache.describeReplicationGroup('hactl-demo-cache')) && 'cache',
  ]
  return found.filter((item): item is string => typeof item === 'string')
}

function edit(project: Project, pattern: RegExp, value: string): void {
  const text = readFileSync(project.configPath, 'utf8')
  expect(text).toMatch(pattern)
  writeFileSync(project.configPath, text.replace(pattern, `$1${value}`))
}

function useVpc(project: Project, vpc: PrivateVpc): void {
  const text = readFileSync(project.configPath, 'utf8')
  const list = (ids: readonly string[]) => ids.map((id) => `    - ${id}`).join('\n')
  const network = `network:\n  vpcId: ${vpc.vpcId}\n  subnets:\n${list(vpc.subnets)}\n  loadBalancerSubnets:\n${list(vpc.loadBalancerSubnets)}\n`
  writeFileSync(project.configPath, /^network:/m.test(text) ? text.replace(/^network:\n(?:[ \t]+.*\n|\n)*/m, network) : `${text}\n${network}`)
}

describe('hactl env create: refuse before creating (sandbox)', () => {
  const project = useScratchProject({init: ['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', REGION]})

  it('refuses a custom VPC without DNS hostnames, naming the fix, and creates nothing', async () => {
    useVpc(project, await privateVpc(ec2For(project), REGION))
    const result = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toMatch(/VPC vpc-[0-9a-f]+ has enableDnsHostnames off/)
    expect(result.stderr).toContain('--enable-dns-hostnames')
    expect(await madeAnything(project)).toEqual([])
  })

  it('warns about private subnets with no route out and no endpoints, naming them; plan warns too', async () => {
    const vpc = await privateVpc(ec2For(project), REGION, {dnsHostnames: true})
    useVpc(project, vpc)
    const plan = await project.run(['plan', '--sandbox', '--json'])
    expect(exitCodeOf(plan)).toBe(0)
    const warnings: string[] = JSON.parse(plan.stdout).warnings
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('no route to the internet')]))
    expect(warnings.join('\n')).toContain(`com.amazonaws.${REGION}.ssmmessages`)
    expect(warnings.join('\n')).toContain(vpc.subnets[0])

    // With a made-up instance type as well, create warns and then refuses: the warning is shown before anything is created.
    edit(project, /^(\s*instanceType: )\S+$/m, 't9.gigantic')
    const result = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(result.stderr).toContain('no route to the internet')
    expect(result.stderr).toContain(`com.amazonaws.${REGION}.s3 (gateway)`)
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
  })

  it('plan has no network warning for a private VPC with every endpoint', async () => {
    useVpc(project, await privateVpc(ec2For(project), REGION, {dnsHostnames: true, endpoints: true}))
    const plan = await project.run(['plan', '--sandbox', '--json'])
    expect(exitCodeOf(plan)).toBe(0)
    expect(JSON.parse(plan.stdout).warnings.join('\n')).not.toContain('no route to the internet')
  })

  it.each([
    ['an instance type', /^(\s*instanceType: )\S+$/m, 't9.gigantic', /Instance type t9\.gigantic \(environment\.instanceType\) is not offered in eu-west-1/],
    ['a DB instance class', /^(\s*instanceClass: )\S+$/m, 'db.bogus.huge', /RDS does not sell DB instance class db\.bogus\.huge \(database\.instanceClass\) for mysql 8\.0\.\d+/],
    ['a cache node type', /^(\s*nodeType: )\S+$/m, 'cache.nope.x', /ElastiCache has no node type cache\.nope\.x \(cache\.nodeType\)/],
  ])('refuses %s that does not exist, with exit 2, and creates nothing', async (_what, pattern, value, message) => {
    edit(project, pattern, value)
    const result = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toMatch(message)
    expect(await madeAnything(project)).toEqual([])
  })

  it('refuses a Region that does not exist, and creates nothing', async () => {
    edit(project, /^(region: )\S+$/m, 'xx-fake-9')
    const result = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toContain('Region xx-fake-9')
    // Nothing can exist in a Region with no endpoints (the sandbox answers it as a DNS failure, as AWS does):
    // look in the Region the project used before, and at the account-wide IAM under the made-up Region's names.
    expect(await madeAnything(project)).toEqual([])
    const iam = await new AwsClients({sandbox: sandboxFor(project, 'xx-fake-9'), version: 'test'}).iam()
    expect(await iam.getRole('hactl-demo-xx-fake-9-instance')).toBeUndefined()
  })
})
