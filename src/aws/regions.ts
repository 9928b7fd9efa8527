/**
 * Whether a Region exists, from the AWS SDK's own partition data (the table
 * the SDK resolves endpoints from, shipped in @aws-sdk/core, which every
 * client depends on). A name the SDK does not list has no endpoint hactl
 * could reach: `ec2.xx-fake-9.amazonaws.com` does not resolve.
 */
import {awsEndpointFunctions} from '@aws-sdk/core/client'

interface PartitionAnswer {
  readonly name?: string
  /** Present only for Regions the partition lists by name. */
  readonly description?: string
}

const partitionOf = awsEndpointFunctions.partition as (region: string) => PartitionAnswer | undefined

export function isKnownRegion(region: string): boolean {
  return partitionOf(region)?.description !== undefined
}
