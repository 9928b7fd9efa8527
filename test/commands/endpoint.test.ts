/**
 * --endpoint-url moves every AWS call to another endpoint (LocalStack, moto).
 * A tiny STS + SSM emulator on loopback answers, so this checks what goes on
 * the wire: the endpoint, SigV4 signing and the hactl user agent.
 */
import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {exitCodeOf, type Project, scratchProject} from '../_helpers/cli'

interface Seen {
  readonly target: string
  readonly userAgent: string
  readonly authorization: string
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    request.on('data', (chunk) => (text += chunk))
    request.on('end', () => resolve(text))
  })
}

describe('--endpoint-url', () => {
  let server: Server
  let url: string
  const seen: Seen[] = []
  let project: Project

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const text = await body(request)
      const target = String(request.headers['x-amz-target'] ?? new URLSearchParams(text).get('Action') ?? '')
      seen.push({authorization: String(request.headers.authorization ?? ''), target, userAgent: String(request.headers['user-agent'] ?? '')})
      if (target === 'GetCallerIdentity') {
        response.writeHead(200, {'content-type': 'text/xml'})
        response.end(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
            '<Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account>' +
            '</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
        )
      } else if (target === 'AmazonSSM.GetParametersByPath') {
        // No site here: nothing under /hactl/demo/ (no lock, no pointers).
        response.writeHead(200, {'content-type': 'application/x-amz-json-1.1'})
        response.end(JSON.stringify({Parameters: []}))
      } else {
        response.writeHead(400, {'content-type': 'application/x-amz-json-1.1'})
        response.end(JSON.stringify({__type: 'UnknownOperationException', message: target}))
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  beforeEach(() => {
    project = scratchProject()
    seen.length = 0
  })

  afterEach(() => project.cleanup())

  it('sends signed calls with the hactl user agent to the given endpoint', async () => {
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    const result = await project.run(['status', '--json', '--endpoint-url', url])
    expect(exitCodeOf(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      identity: {account: '000000000000', endpoint: url, region: 'eu-west-1', sandbox: false},
      lock: {held: false},
    })
    // Status lists /hactl/demo/ once (lock and pointers in one call) and, finding nothing there, reads nothing more.
    expect(seen.map((s) => s.target).sort()).toEqual(['AmazonSSM.GetParametersByPath', 'GetCallerIdentity'])
    for (const call of seen) {
      expect(call.userAgent).toMatch(/hactl\/\d+\.\d+\.\d+/)
      expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST\/\d{8}\/eu-west-1\//)
    }
  })
})
