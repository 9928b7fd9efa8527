/**
 * Whether a Region exists, from the AWS SDK's own partition data (the table
 * the SDK resolves endpoints from, shipped in @aws-sdk/core, which every
 * client depends on). A name the SDK does not list has no endpoint hactl
 * could reach: `ec2.xx-fake-9.amazonaws.com` does not resolve.
 */
import {awsEndpointFunctions} from '@aws-sdk/core/client'

import {UserError} from '../core/errors'

interface PartitionAnswer {
  readonly name?: string
  /** Present only for Regions the partition lists by name. */
  readonly description?: string
}

const partitionOf = awsEndpointFunctions.partition as (region: string) => PartitionAnswer | undefined

export function isKnownRegion(region: string): boolean {
  return partitionOf(region)?.description !== undefined
}

/**
 * Refuses a Region the SDK does not list, before any call: on AWS the first
 * call would only meet a DNS failure (its endpoint does not resolve).
 */
export function assertKnownRegion(region: string): void {
  if (isKnownRegion(region)) return
  throw new UserError('unknown-region', `Region ${region} (region in hactl.yml or --region) is not an AWS Region this hactl knows.`, {
    suggestions: ['Set region to a Region such as eu-west-1 (`aws ec2 describe-regions` lists yours); if it is a Region newer than this hactl, update hactl.'],
  })
}
