/**
 * An endpoint that accepts the connection and never answers must not hang
 * hactl: the factory's HTTP limits turn it into an AWS error (exit 4) that
 * names the endpoint. A loopback server plays the silent endpoint.
 */
import {createServer, type Server, type Socket} from 'node:net'
import type {AddressInfo} from 'node:net'

import {AwsClients, HTTP_TIMEOUTS} from '../../../src/aws/clients'
import {AwsError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'

describe('HTTP time limits on every client', () => {
  let server: Server
  let endpoint: string
  const sockets: Socket[] = []

  beforeAll(async () => {
    // Accepts, reads, never writes a byte back.
    server = createServer((socket) => {
      sockets.push(socket)
      socket.on('data', () => {})
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  it('sets connection, idle and request limits on real clients by default', () => {
    const config = new AwsClients({region: 'eu-west-1', version: '1'}).clientConfig('ec2')
    expect(config.requestHandler).toEqual({
      connectionTimeout: HTTP_TIMEOUTS.connectMs,
      requestTimeout: HTTP_TIMEOUTS.requestMs,
      socketTimeout: HTTP_TIMEOUTS.idleMs,
      throwOnRequestTimeout: true,
    })
  })

  it('fails a call to a silent endpoint with exit 4, naming the endpoint', async () => {
    const clients = new AwsClients({
      endpointUrl: endpoint,
      httpTimeouts: {connectMs: 1000, idleMs: 150, requestMs: 300},
      maxAttempts: 1,
      region: 'eu-west-1',
      version: '1',
    })
    const sts = await clients.sts()
    const call = sts.getCallerIdentity()
    await expect(call).rejects.toBeInstanceOf(AwsError)
    await call.catch((error: AwsError) => {
      expect(error.exitCode).toBe(ExitCode.Aws)
      expect(error.message).toContain(endpoint.replace('http://', ''))
      expect(error.message).toMatch(/could not reach AWS/)
    })
  })
})
