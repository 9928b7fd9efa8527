import {RDSClient, type CreateDBInstanceCommandInput} from '@aws-sdk/client-rds'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'

import type {SandboxOptions} from '../../../src/sandbox'
import {REGION, manualSandbox, type SandboxClients} from './clients'

/*
 * What the RDS sandbox tests share: a real RDS client wired to a sandbox (its
 * retries do not wait, so throttling tests stay instant) and a small MySQL instance.
 */

export function rdsClient(sandbox: SandboxClients): RDSClient {
  const client = new RDSClient({
    region: REGION,
    credentials: {accessKeyId: 'x', secretAccessKey: 'y'},
    retryStrategy: new ConfiguredRetryStrategy(4, () => 0),
  })
  client.middlewareStack.use(sandbox.handle.plugin('rds'))
  return client
}

/** A sandbox on a manual clock, with an RDS client besides its others. */
export function manualRds(options: Partial<SandboxOptions> = {}): ReturnType<typeof manualSandbox> & {readonly rds: RDSClient} {
  const sandbox = manualSandbox(options)
  return {...sandbox, rds: rdsClient(sandbox)}
}

/** The smallest standalone MySQL instance hactl would make, its password managed by RDS. */
export const MYSQL: CreateDBInstanceCommandInput = {
  AllocatedStorage: 20,
  DBInstanceClass: 'db.t4g.micro',
  DBInstanceIdentifier: 'hactl-demo-db',
  Engine: 'mysql',
  ManageMasterUserPassword: true,
  MasterUsername: 'hactl',
}
