import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

import {EC2Client} from '@aws-sdk/client-ec2'
import {SSMClient} from '@aws-sdk/client-ssm'
import {STSClient} from '@aws-sdk/client-sts'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'

import {ManualClock} from '../../../src/core/clock'
import {openSandbox, type SandboxHandle, type SandboxOptions} from '../../../src/sandbox'

/** Real SDK clients wired to one sandbox: retries without backoff, fake credentials, no network. */
export interface SandboxClients {
  readonly handle: SandboxHandle
  readonly ec2: EC2Client
  readonly ssm: SSMClient
  readonly sts: STSClient
}

export const REGION = 'eu-west-1'

const made: string[] = []

export function tempStateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hactl-sandbox-'))
  made.push(dir)
  return dir
}

/** For afterAll: removes the state directories this test file made. */
export function removeTempStateDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true})
}

/** What `clientOn` builds a client with: fake credentials and retries that do not wait. */
export interface SandboxClientConfig {
  readonly region: string
  readonly credentials: {readonly accessKeyId: string; readonly secretAccessKey: string}
  readonly retryStrategy: ConfiguredRetryStrategy
}

export interface ClientOnOptions {
  /** Attempts per call, retried at once (throttling tests stay instant). @default 4 */
  readonly attempts?: number
  /** @default REGION */
  readonly region?: string
}

/** A real SDK client of `service`, wired to the sandbox behind `handle`. */
export function clientOn<C extends {readonly middlewareStack: {use(plugin: ReturnType<SandboxHandle['plugin']>): void}}>(
  handle: SandboxHandle,
  Client: new (config: SandboxClientConfig) => C,
  service: Parameters<SandboxHandle['plugin']>[0],
  options: ClientOnOptions = {},
): C {
  const client = new Client({
    region: options.region ?? REGION,
    credentials: {accessKeyId: 'x', secretAccessKey: 'y'},
    retryStrategy: new ConfiguredRetryStrategy(options.attempts ?? 4, () => 0),
  })
  client.middlewareStack.use(handle.plugin(service))
  return client
}

export function sandboxClients(options: Partial<SandboxOptions> & {readonly stateDir: string}): SandboxClients {
  const handle = openSandbox({region: REGION, ...options})
  return {handle, ec2: clientOn(handle, EC2Client, 'ec2'), ssm: clientOn(handle, SSMClient, 'ssm'), sts: clientOn(handle, STSClient, 'sts')}
}

/** A sandbox on a ManualClock, so tests move simulated time by hand. */
export function manualSandbox(options: Partial<SandboxOptions> = {}): SandboxClients & {readonly clock: ManualClock; readonly stateDir: string} {
  const clock = new ManualClock()
  const stateDir = options.stateDir ?? tempStateDir()
  return {...sandboxClients({...options, stateDir, clock}), clock, stateDir}
}
