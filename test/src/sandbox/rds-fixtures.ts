import {RDSClient, type CreateDBInstanceCommandInput} from '@aws-sdk/client-rds'

import type {SandboxOptions} from '../../../src/sandbox'
import {clientOn, manualSandbox, type SandboxClients} from './clients'

/*
 * What the RDS sandbox tests share: a real RDS client wired to a sandbox (its
 * retries do not wait, so throttling tests stay instant) and a small MySQL instance.
 */

export function rdsClient(sandbox: SandboxClients): RDSClient {
  return clientOn(sandbox.handle, RDSClient, 'rds')
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
