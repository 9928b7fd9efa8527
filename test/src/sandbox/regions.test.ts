/**
 * A Region that does not exist has no endpoints: on AWS the call never gets
 * an answer because `<service>.<region>.amazonaws.com` does not resolve. The
 * sandbox answers the same way (issue 8, found by trying 5), while global
 * services (IAM) still answer.
 */
import {AwsClients} from '../../../src/aws/clients'
import {AwsError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import {openSandbox} from '../../../src/sandbox'
import {useTempDir} from '../../_helpers/sandbox-dir'

describe('sandbox: Regions', () => {
  const dir = useTempDir('hactl-regions-')

  const clientsIn = (region: string): AwsClients =>
    new AwsClients({maxAttempts: 1, sandbox: openSandbox({region, stateDir: dir.path}), version: 'test'})

  it('answers in a real Region', async () => {
    const ec2 = await clientsIn('ap-southeast-5').ec2()
    expect(await ec2.describeDefaultVpc()).toMatchObject({IsDefault: true})
  })

  it('cannot reach a Region that does not exist: a DNS failure naming the endpoint, exit 4', async () => {
    const ec2 = await clientsIn('xx-fake-9').ec2()
    const call = ec2.describeDefaultVpc()
    await expect(call).rejects.toBeInstanceOf(AwsError)
    await call.catch((error: AwsError) => {
      expect(error.awsCode).toBe('ENOTFOUND')
      expect(error.exitCode).toBe(ExitCode.Aws)
      expect(error.message).toContain('ec2.xx-fake-9.amazonaws.com')
    })
  })

  it('still reaches a global service from a made-up Region', async () => {
    const iam = await clientsIn('xx-fake-9').iam()
    expect(await iam.getRole('no-such-role')).toBeUndefined()
  })
})
