/** The STS calls hactl makes. */
import {GetCallerIdentityCommand, type STSClient} from '@aws-sdk/client-sts'

import type {ApiContext} from './types'
import {awsCall} from './errors'

export interface CallerIdentity {
  readonly account: string
  readonly arn: string
  readonly userId: string
}

export interface StsApi {
  /** Who the credentials belong to. Also the cheapest check that credentials work. */
  getCallerIdentity(): Promise<CallerIdentity>
  /** The region the client resolved (from flags, config, env or profile). */
  region(): Promise<string>
}

export function createStsApi(client: STSClient, _context: ApiContext): StsApi {
  return {
    async getCallerIdentity() {
      const out = await awsCall('sts:GetCallerIdentity', () => client.send(new GetCallerIdentityCommand({})))
      return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
    },

    async region() {
      return awsCall('sts:region', () => client.config.region())
    },
  }
}
