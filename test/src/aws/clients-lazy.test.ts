/**
 * "No command loads SDK clients it does not use": each service's SDK package
 * is loaded on first use of its interface, not when the factory is imported.
 */
const mockLoaded = new Set<string>()

jest.mock('@aws-sdk/client-ec2', () => {
  mockLoaded.add('ec2')
  return jest.requireActual('@aws-sdk/client-ec2')
})
jest.mock('@aws-sdk/client-ssm', () => {
  mockLoaded.add('ssm')
  return jest.requireActual('@aws-sdk/client-ssm')
})
jest.mock('@aws-sdk/client-sts', () => {
  mockLoaded.add('sts')
  return jest.requireActual('@aws-sdk/client-sts')
})

describe('AwsClients loads SDK packages lazily', () => {
  // Each test starts from an empty module registry, so one test's imports cannot hide another's.
  beforeEach(() => {
    jest.resetModules()
    mockLoaded.clear()
  })

  it('loads none on import or construction, then only the services asked for', async () => {
    const {AwsClients} = await import('../../../src/aws/clients')
    const clients = new AwsClients({region: 'eu-west-1', version: 'test'})
    expect([...mockLoaded]).toEqual([])

    await clients.sts()
    expect([...mockLoaded]).toEqual(['sts'])

    await clients.ssm()
    expect([...mockLoaded].sort()).toEqual(['ssm', 'sts'])
    expect(mockLoaded.has('ec2')).toBe(false)
  })

  it('the base command, status and config modules import no SDK client', async () => {
    await import('../../../src/cli/base-command')
    await import('../../../src/status/status')
    await import('../../../src/config/load')
    expect([...mockLoaded]).toEqual([])
  })
})
