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

export function sandboxClients(options: Partial<SandboxOptions> & {readonly stateDir: string}): SandboxClients {
  const handle = openSandbox({region: REGION, ...options})
  const config = {
    region: REGION,
    credentials: {accessKeyId: 'x', secretAccessKey: 'y'},
    retryStrategy: new ConfiguredRetryStrategy(4, () => 0),
  }
  const ec2 = new EC2Client(config)
  const ssm = new SSMClient(config)
  const sts = new STSClient(config)
  ec2.middlewareStack.use(handle.plugin('ec2'))
  ssm.middlewareStack.use(handle.plugin('ssm'))
  sts.middlewareStack.use(handle.plugin('sts'))
  return {handle, ec2, ssm, sts}
}

/** A sandbox on a ManualClock, so tests move simulated time by hand. */
export function manualSandbox(options: Partial<SandboxOptions> = {}): SandboxClients & {readonly clock: ManualClock; readonly stateDir: string} {
  const clock = new ManualClock()
  const stateDir = options.stateDir ?? tempStateDir()
  return {...sandboxClients({...options, stateDir, clock}), clock, stateDir}
}
