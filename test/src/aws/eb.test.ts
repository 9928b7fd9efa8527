import {CreateEnvironmentCommand, ElasticBeanstalkClient, ElasticBeanstalkSyntheticServiceException} from '@aws-sdk/client-elastic-beanstalk'

import {ManualClock} from '../../../src/core/clock'
import {createEbApi} from '../../../src/aws/eb'
import {AwsError} from '../../../src/core/errors'
import {RecordingReporter} from '../../../src/core/progress'
import {useMockClient} from '../../_helpers/mock-client'

/** An error code the model does not list comes back as the synthetic exception named by the code, as the SDK's deserializer makes it. */
function ebError(message: string): ElasticBeanstalkSyntheticServiceException {
  return new ElasticBeanstalkSyntheticServiceException({$fault: 'client', $metadata: {}, message, name: 'InvalidParameterValue'})
}

describe('EbApi.createEnvironment', () => {
  const input = {ApplicationName: 'hactl-demo', EnvironmentName: 'hactl-demo'}
  // Created in setup and restored in afterEach, so a failed assertion never leaks the mock into later tests.
  const eb = useMockClient(ElasticBeanstalkClient)

  it('rides out IAM propagation: a just-created instance profile EB cannot see yet is retried', async () => {
    eb.on(CreateEnvironmentCommand)
      .rejectsOnce(ebError('The instance profile hactl-demo-instance associated with the environment does not exist.'))
      .resolves({EnvironmentId: 'e-abcdefghij', EnvironmentName: 'hactl-demo', Status: 'Launching'})
    const clock = new ManualClock()
    const reporter = new RecordingReporter()
    const api = createEbApi(new ElasticBeanstalkClient({region: 'eu-west-1'}), {clock, reporter})
    const started = clock.now()
    await expect(api.createEnvironment(input)).resolves.toMatchObject({EnvironmentId: 'e-abcdefghij'})
    expect(eb.commandCalls(CreateEnvironmentCommand)).toHaveLength(2)
    expect(clock.now() - started).toBe(10_000)
    expect(reporter.ofType('retry')).toEqual([{attempt: 2, errorCode: 'IAM not visible yet', service: 'elasticbeanstalk', type: 'retry'}])
  })

  it('gives up after a minute, and never retries any other refusal', async () => {
    eb.on(CreateEnvironmentCommand).rejects(ebError('The instance profile hactl-demo-instance associated with the environment does not exist.'))
    const api = createEbApi(new ElasticBeanstalkClient({region: 'eu-west-1'}), {clock: new ManualClock(), reporter: new RecordingReporter()})
    await expect(api.createEnvironment(input)).rejects.toThrow(AwsError)
    expect(eb.commandCalls(CreateEnvironmentCommand)).toHaveLength(6)

    eb.reset()
    eb.on(CreateEnvironmentCommand).rejects(ebError('Environment hactl-demo already exists.'))
    await expect(api.createEnvironment(input)).rejects.toThrow('already exists')
    expect(eb.commandCalls(CreateEnvironmentCommand)).toHaveLength(1)
  })
})
