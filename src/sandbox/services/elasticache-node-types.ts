import type {
  DescribeReservedCacheNodesOfferingsCommandInput,
  DescribeReservedCacheNodesOfferingsCommandOutput,
  ReservedCacheNodesOffering,
} from '@aws-sdk/client-elasticache'

import {hexOf} from '../ids'
import type {Handler, Result} from '../types'
import {errors, pageOf} from './elasticache-model'

/*
 * The node types the sandbox's Region sells, and the reserved-node offerings
 * that show them. ElastiCache has no "describe node types" call; what lists
 * the node types of a Region is DescribeReservedCacheNodesOfferings (one
 * offering per node type, product, term and payment option), so that is what
 * hactl asks and what the sandbox answers from this catalogue.
 */

const NODE_TYPES: readonly string[] = [
  ...['micro', 'small', 'medium'].flatMap((size) => [`cache.t3.${size}`, `cache.t4g.${size}`]),
  ...['m5', 'm6g', 'm7g', 'r5', 'r6g', 'r7g'].flatMap((family) => ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'].map((size) => `cache.${family}.${size}`)),
]

export function isKnownNodeType(nodeType: string): boolean {
  return NODE_TYPES.includes(nodeType)
}

/** CreateReplicationGroup / CreateCacheCluster with a node type the Region does not sell (wording UNVERIFIED, code as ElastiCache's parameter errors). */
export function checkNodeType(nodeType: string): void {
  if (!isKnownNodeType(nodeType)) throw errors.invalidValue(`Invalid CacheNodeType: ${nodeType}`)
}

const PRODUCTS = ['redis', 'valkey', 'memcached'] as const
const TERMS: ReadonlyArray<readonly [duration: string, seconds: number]> = [
  ['1', 31_536_000],
  ['3', 94_608_000],
]
const OFFERING_TYPES = ['No Upfront', 'Partial Upfront', 'All Upfront'] as const

function durationMatches(wanted: string | undefined, years: string, seconds: number): boolean {
  return wanted === undefined || wanted === years || wanted === String(seconds)
}

/** Filters are exact; an unknown node type matches nothing (an empty list), which is how a caller learns it does not exist. */
export const describeReservedCacheNodesOfferings: Handler<unknown, DescribeReservedCacheNodesOfferingsCommandInput, Result<DescribeReservedCacheNodesOfferingsCommandOutput>> = (_world, input, _context) => {
  const offerings = NODE_TYPES.filter((type) => input.CacheNodeType === undefined || type === input.CacheNodeType).flatMap((type) =>
    PRODUCTS.filter((product) => input.ProductDescription === undefined || product === input.ProductDescription).flatMap((product) =>
      TERMS.filter(([years, seconds]) => durationMatches(input.Duration, years, seconds)).flatMap(([, seconds]) =>
        OFFERING_TYPES.filter((offering) => input.OfferingType === undefined || offering === input.OfferingType).map(
          (offering): ReservedCacheNodesOffering => ({
            ReservedCacheNodesOfferingId: hexOf(`${type}:${product}:${seconds}:${offering}`, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
            CacheNodeType: type,
            Duration: seconds,
            ProductDescription: product,
            OfferingType: offering,
            FixedPrice: 0,
            UsagePrice: 0,
            RecurringCharges: [],
          }),
        ),
      ),
    ),
  )
  const chosen = offerings.filter((offering) => input.ReservedCacheNodesOfferingId === undefined || offering.ReservedCacheNodesOfferingId === input.ReservedCacheNodesOfferingId)
  const page = pageOf(chosen, input)
  return {ReservedCacheNodesOfferings: page.items, Marker: page.nextToken}
}
