/**
 * A loopback stand-in for the EC2 instance metadata service, IMDSv2 only:
 * a token by PUT with a TTL header, metadata only with that token, and the
 * instance's tags under /latest/meta-data/tags/instance/ only when tags are
 * exposed (as for an instance launched with InstanceMetadataTags=enabled),
 * and its Region under /latest/meta-data/placement/region.
 */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface ImdsStub {
  readonly url: string
  /** The instance's tags; undefined keys answer 404 as IMDS does. */
  tags: Record<string, string>
  /** false: the tags path answers 404, as when InstanceMetadataTags is disabled. */
  tagsExposed: boolean
  close(): Promise<void>
}

const TOKEN = 'stub-imdsv2-token'
const REGION = 'eu-west-1'

export async function startImdsStub(): Promise<ImdsStub> {
  const state = {tags: {} as Record<string, string>, tagsExposed: true}
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body = ''): void => {
      response.writeHead(status, {'content-type': 'text/plain'})
      response.end(body)
    }

    if (request.url === '/latest/api/token') {
      if (request.method !== 'PUT' || !request.headers['x-aws-ec2-metadata-token-ttl-seconds']) return reply(400)
      return reply(200, TOKEN)
    }

    if (request.headers['x-aws-ec2-metadata-token'] !== TOKEN) return reply(401)
    if (request.url === '/latest/meta-data/placement/region') return reply(200, REGION)
    const prefix = '/latest/meta-data/tags/instance/'
    if (request.url?.startsWith(prefix) && state.tagsExposed) {
      const key = decodeURIComponent(request.url.slice(prefix.length))
      const value = state.tags[key]
      return value === undefined ? reply(404) : reply(200, value)
    }

    reply(404)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    close: () => new Promise((resolve) => server.close(() => resolve())),
    get tags() {
      return state.tags
    },
    set tags(value) {
      state.tags = value
    },
    get tagsExposed() {
      return state.tagsExposed
    },
    set tagsExposed(value) {
      state.tagsExposed = value
    },
    url,
  }
}

/**
 * The stub for the tests of the enclosing describe block: started before
 * them, closed after. Read it only inside a hook or a test.
 */
export function useImdsStub(): ImdsStub {
  let stub: ImdsStub | undefined
  beforeAll(async () => {
    stub = await startImdsStub()
  })
  afterAll(async () => {
    await stub?.close()
    stub = undefined
  })
  const current = (): ImdsStub => {
    if (!stub) throw new Error('useImdsStub: the stub runs only inside its describe block')
    return stub
  }

  return {
    close: () => current().close(),
    get tags() {
      return current().tags
    },
    set tags(value) {
      current().tags = value
    },
    get tagsExposed() {
      return current().tagsExposed
    },
    set tagsExposed(value) {
      current().tagsExposed = value
    },
    get url() {
      return current().url
    },
  }
}
