/**
 * Shared setup of the AWS scenario tests (test/src/aws/*.scenario.test.ts):
 * a sandbox state directory made and removed around each test, and the client
 * factory on a sandbox in it.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ConfiguredRetryStrategy} from '@smithy/core/retry'

import {AwsClients} from '../../src/aws/clients'
import type {Clock} from '../../src/core/clock'
import {RecordingReporter} from '../../src/core/progress'
import {openSandbox, type SandboxHandle} from '../../src/sandbox'

export interface TempDir {
  /** The current test's directory (read it inside a test). */
  readonly path: string
}

/** A fresh temporary directory for each test, removed after it. */
export function useTempDir(prefix: string): TempDir {
  let current: string | undefined
  beforeEach(() => {
    current = mkdtempSync(join(tmpdir(), prefix))
  })
  afterEach(() => {
    if (current) rmSync(current, {force: true, recursive: true})
    current = undefined
  })
  return {
    get path(): string {
      if (!current) throw new Error('useTempDir: the directory exists only inside a test')
      return current
    },
  }
}

export interface SandboxClientsOptions {
  /** Fault specs (`throttle:ec2:RunInstances*2` …). @default none */
  readonly faults?: readonly string[]
  /** Simulated seconds per real second, when no clock is given. @default the sandbox's */
  readonly speed?: number
  /** A clock the waits advance (a ManualClock), instead of a sped-up real one. @default none */
  readonly clock?: Clock
}

export interface SandboxClients {
  readonly aws: AwsClients
  readonly reporter: RecordingReporter
  readonly sandbox: SandboxHandle
}

/** The client factory, recording its progress, on a sandbox in eu-west-1 kept in `stateDir`. */
export function sandboxClients(stateDir: string, options: SandboxClientsOptions = {}): SandboxClients {
  const reporter = new RecordingReporter()
  const sandbox = openSandbox({clock: options.clock, faults: [...(options.faults ?? [])], region: 'eu-west-1', speed: options.speed, stateDir})
  return {aws: new AwsClients({reporter, sandbox, version: 'test'}), reporter, sandbox}
}

/** The ids of the first two subnets of the default VPC (a subnet group's two AZs). */
export async function twoDefaultSubnets(aws: AwsClients): Promise<string[]> {
  const ec2 = await aws.ec2()
  const vpc = await ec2.describeDefaultVpc()
  const subnets = await ec2.describeSubnets({vpcId: vpc?.VpcId})
  return subnets.slice(0, 2).map((subnet) => subnet.SubnetId ?? '')
}

/** An SDK client that can take the sandbox's middleware. */
interface PluggableClient {
  readonly middlewareStack: {use(plugin: ReturnType<SandboxHandle['plugin']>): void}
}

/**
 * Raw SDK clients on a sandbox (what a second operator or a console session
 * would use), retrying throttles at once: `{ec2: EC2Client, …}` → the same
 * keys, each client built with `make(config)` and attached to its service.
 */
export function rawSandboxClients<T extends Record<string, PluggableClient>>(
  handle: SandboxHandle,
  make: (config: {credentials: {accessKeyId: string; secretAccessKey: string}; region: string; retryStrategy: ConfiguredRetryStrategy}) => T,
  services: {readonly [K in keyof T]: Parameters<SandboxHandle['plugin']>[0]},
): T {
  const clients = make({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: handle.region, retryStrategy: new ConfiguredRetryStrategy(4, () => 0)})
  for (const key of Object.keys(services) as Array<keyof T>) clients[key].middlewareStack.use(handle.plugin(services[key]))
  return clients
}
