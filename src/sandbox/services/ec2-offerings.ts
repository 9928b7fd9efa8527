import type {
  DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypeOfferingsCommandOutput,
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  InstanceTypeInfo,
  InstanceTypeOffering,
} from '@aws-sdk/client-ec2'

import {SimError} from '../errors'
import type {Handler, Result} from '../types'
import {invalidParameterValue, matchesFilters, pageOf, type Ec2State, type FilterFields} from './ec2-model'

/*
 * The instance types the sandbox's Region offers: a fixed catalogue of
 * families, each in every size below, in every AZ. Not AWS's exact matrix
 * (a t3.16xlarge does not exist there), only enough that a made-up type such
 * as `t9.gigantic` is refused as AWS refuses it.
 */

const FAMILIES = [
  'm1', 't2', 't3', 't3a', 't4g',
  'm5', 'm5a', 'm6a', 'm6g', 'm6gd', 'm6i', 'm7a', 'm7g', 'm7gd', 'm7i', 'm8g',
  'c5', 'c6a', 'c6g', 'c6gn', 'c6i', 'c7a', 'c7g', 'c7gn', 'c7i', 'c8g',
  'r5', 'r6a', 'r6g', 'r6i', 'r6idn', 'r7g', 'r7i', 'r8g',
] as const
const SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'] as const
const ZONE_SUFFIXES = ['a', 'b', 'c'] as const

const KNOWN: ReadonlySet<string> = new Set(FAMILIES.flatMap((family) => SIZES.map((size) => `${family}.${size}`)))

export function isKnownInstanceType(type: string): boolean {
  return KNOWN.has(type)
}

/** RunInstances' answer to a type that does not exist (moto issue #1695 quotes AWS: "Invalid value 't3.nano' for InstanceType."). */
export function checkInstanceType(type: string | undefined): void {
  if (type !== undefined && !isKnownInstanceType(type)) throw invalidParameterValue(`Invalid value '${type}' for InstanceType.`)
}

interface Offering {
  readonly type: string
  readonly location: string
  readonly locationType: 'region' | 'availability-zone' | 'availability-zone-id'
}

const OFFERING_FILTERS: FilterFields<Offering> = {
  'instance-type': (offering) => [offering.type],
  location: (offering) => [offering.location],
}

/** The zone id AWS pairs with a zone name (`euw1-az1` for eu-west-1a): the Region's letters and the zone's place. */
function zoneId(region: string, suffix: string): string {
  const [area, direction, number] = region.split('-')
  return `${area}${direction[0]}${number}-az${ZONE_SUFFIXES.indexOf(suffix as (typeof ZONE_SUFFIXES)[number]) + 1}`
}

function locations(locationType: Offering['locationType'], region: string): string[] {
  switch (locationType) {
    case 'region': {
      return [region]
    }

    case 'availability-zone': {
      return ZONE_SUFFIXES.map((suffix) => `${region}${suffix}`)
    }

    case 'availability-zone-id': {
      return ZONE_SUFFIXES.map((suffix) => zoneId(region, suffix))
    }
  }
}

/**
 * Without LocationType, the Region's offerings. An unknown type in the
 * `instance-type` filter matches nothing: an empty list, not an error.
 */
export const describeInstanceTypeOfferings: Handler<Ec2State, DescribeInstanceTypeOfferingsCommandInput, Result<DescribeInstanceTypeOfferingsCommandOutput>> = (_state, input, context) => {
  const locationType = input.LocationType ?? 'region'
  if (locationType !== 'region' && locationType !== 'availability-zone' && locationType !== 'availability-zone-id') {
    throw invalidParameterValue(`Value (${locationType}) for parameter locationType is invalid.`)
  }

  const all = locations(locationType, context.region).flatMap((location) => [...KNOWN].map((type): Offering => ({location, locationType, type})))
  const matching = all.filter((offering) => matchesFilters(offering, {}, input.Filters, OFFERING_FILTERS))
  const page = pageOf(matching, input, false, '')
  return {
    InstanceTypeOfferings: page.items.map(
      (offering): InstanceTypeOffering => ({InstanceType: offering.type as InstanceTypeOffering['InstanceType'], Location: offering.location, LocationType: offering.locationType}),
    ),
    NextToken: page.nextToken,
  }
}

/** Graviton families (`t4g`, `m7g`, `c6gn`, `x2gd`, `a1`) are arm64; everything else x86_64. */
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  return /^a1\./.test(instanceType) || /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? 'arm64' : 'x86_64'
}

const TYPE_FILTERS: FilterFields<string> = {
  'instance-type': (type) => [type],
  'processor-info.supported-architecture': (type) => [architectureOf(type)],
}

/**
 * The catalogue's types with their processor's architecture (what a rollout
 * compares with an AMI's). Other InstanceTypeInfo fields are not modelled.
 * A type named in InstanceTypes that does not exist is an error, as on AWS.
 */
export const describeInstanceTypes: Handler<Ec2State, DescribeInstanceTypesCommandInput, Result<DescribeInstanceTypesCommandOutput>> = (_state, input) => {
  const named = input.InstanceTypes ?? []
  const unknown = named.filter((type) => !KNOWN.has(type))
  if (unknown.length > 0) throw new SimError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`)
  const types = (named.length > 0 ? [...named] : [...KNOWN]).filter((type) => matchesFilters(type, {}, input.Filters, TYPE_FILTERS))
  const page = pageOf(types, input, named.length > 0, 'InstanceTypes')
  return {
    InstanceTypes: page.items.map(
      (type): InstanceTypeInfo => ({InstanceType: type as InstanceTypeInfo['InstanceType'], ProcessorInfo: {SupportedArchitectures: [architectureOf(type)]}, CurrentGeneration: true}),
    ),
    NextToken: page.nextToken,
  }
}
