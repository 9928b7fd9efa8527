import {AuthorizeSecurityGroupIngressCommand, EC2Client} from '@aws-sdk/client-ec2'

import {ManualClock} from '../../../src/core/clock'
import {createEc2Api} from '../../../src/aws/ec2'
import {silentReporter} from '../../../src/core/progress'
import {useMockClient} from '../../_helpers/mock-client'

describe('Ec2Api.authorizeIngress', () => {
  // Created in setup and restored in afterEach, so a failed assertion never leaks the mock into later tests.
  const ec2 = useMockClient(EC2Client)

  it('sends one rule per call, so a rule that already exists never blocks the missing ones', async () => {
    const duplicate = Object.assign(new Error('the specified rule already exists'), {name: 'InvalidPermission.Duplicate'})
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejectsOnce(duplicate).resolves({Return: true})
    const api = createEc2Api(new EC2Client({region: 'eu-west-1'}), {clock: new ManualClock(), reporter: silentReporter})
    await api.authorizeIngress('sg-db', [
      {FromPort: 3306, IpProtocol: 'tcp', ToPort: 3306, UserIdGroupPairs: [{GroupId: 'sg-web'}, {GroupId: 'sg-seed'}]},
    ])
    const calls = ec2.commandCalls(AuthorizeSecurityGroupIngressCommand).map((call) => call.args[0].input.IpPermissions)
    expect(calls).toEqual([
      [{FromPort: 3306, IpProtocol: 'tcp', ToPort: 3306, UserIdGroupPairs: [{GroupId: 'sg-web'}]}],
      [{FromPort: 3306, IpProtocol: 'tcp', ToPort: 3306, UserIdGroupPairs: [{GroupId: 'sg-seed'}]}],
    ])
  })
})
