import type {
  CustomAmi,
  DescribePlatformVersionCommandInput,
  DescribePlatformVersionCommandOutput,
  ListPlatformVersionsCommandInput,
  ListPlatformVersionsCommandOutput,
  PlatformDescription,
  PlatformFilter,
  PlatformSummary,
} from '@aws-sdk/client-elastic-beanstalk'

import {SandboxUnsupportedError} from '../errors'
import {paginate} from '../paging'
import type {Handler, OperationContext, Result} from '../types'
import {EB_PLATFORM_OWNER, ec2Slice, imageState, type Ec2State, type ImageRecord} from './ec2-model'
import {checkMaxRecords, errors, invalidParameterValue, type EbContext} from './eb-model'

/*
 * A fixed catalogue of EB platform versions: three PHP branches on Amazon
 * Linux 2023 (what hactl runs) and one Node.js branch (so filters have
 * something to leave out). Version numbers and dates are typical, not a copy
 * of AWS's list.
 */

export interface PlatformEntry {
  readonly branch: string
  readonly language: string
  readonly languageVersion: string
  /** The token in the platform AMI's name (`…-php83-hvm-…`). */
  readonly amiToken: string
  readonly version: string
  readonly created: string
  /** Newest of its branch: `Recommended`; older ones `Deprecated`. */
  readonly lifecycle: 'Deprecated' | 'Recommended'
}

const SPEC_FILE = 'src/sandbox/services/eb.md'

interface BranchSpec {
  readonly language: string
  readonly languageVersion: string
  readonly amiToken: string
  /** Platform version and its release date, oldest first. */
  readonly versions: ReadonlyArray<readonly [string, string]>
}

const BRANCHES: readonly BranchSpec[] = [
  {language: 'PHP', languageVersion: '8.4', amiToken: 'php84', versions: [['4.6.0', '2025-06-12'], ['4.7.1', '2025-09-10']]},
  {language: 'PHP', languageVersion: '8.3', amiToken: 'php83', versions: [['4.5.2', '2025-03-20'], ['4.6.0', '2025-06-12'], ['4.7.1', '2025-09-10']]},
  {language: 'PHP', languageVersion: '8.2', amiToken: 'php82', versions: [['4.5.2', '2025-03-20'], ['4.6.0', '2025-06-12'], ['4.7.1', '2025-09-10']]},
  {language: 'Node.js', languageVersion: '22', amiToken: 'node22', versions: [['6.6.4', '2025-09-10']]},
]

export const PLATFORMS: readonly PlatformEntry[] = BRANCHES.flatMap((spec) =>
  spec.versions.map(([version, created], index) => ({
    branch: `${spec.language} ${spec.languageVersion} running on 64bit Amazon Linux 2023`,
    language: spec.language,
    languageVersion: spec.languageVersion,
    amiToken: spec.amiToken,
    version,
    created: `${created}T18:00:00.000Z`,
    lifecycle: index === spec.versions.length - 1 ? 'Recommended' : 'Deprecated',
  })),
)

export function platformArn(platform: PlatformEntry, region: string): string {
  return `arn:aws:elasticbeanstalk:${region}::platform/${platform.branch}/${platform.version}`
}

export function solutionStackName(platform: PlatformEntry): string {
  return `64bit Amazon Linux 2023 v${platform.version} running ${platform.language} ${platform.languageVersion}`
}

export function platformByArn(arn: string, region: string): PlatformEntry | undefined {
  return PLATFORMS.find((platform) => platformArn(platform, region) === arn)
}

export function platformByStack(name: string): PlatformEntry | undefined {
  return PLATFORMS.find((platform) => solutionStackName(platform) === name)
}

export function requirePlatformArn(arn: string, region: string): PlatformEntry {
  const platform = platformByArn(arn, region)
  if (!platform) throw invalidParameterValue(`No Platform named '${arn}' found.`)
  return platform
}

// ---- the platform's AMIs ----------------------------------------------------

function isPlatformImage(image: ImageRecord, token: string | undefined): boolean {
  if (image.ownerId !== EB_PLATFORM_OWNER || !image.name.startsWith('aws-elasticbeanstalk-')) return false
  return token === undefined || image.name.includes(`-${token}-`)
}

/**
 * The platform's AMI for an architecture, from the EC2 state's amazon-owned
 * images. The fresh account has PHP 8.3 images only; other branches borrow
 * the newest EB image of the same architecture, so every catalogue entry can
 * launch.
 */
export function platformImage(ec2: Ec2State, platform: PlatformEntry, architecture: 'arm64' | 'x86_64', now: number): ImageRecord | undefined {
  const usable = ec2.images.filter((image) => image.architecture === architecture && imageState(image, now) === 'available')
  const newest = (images: ImageRecord[]) => images.sort((a, b) => b.createdAt - a.createdAt)[0]
  return newest(usable.filter((image) => isPlatformImage(image, platform.amiToken))) ?? newest(usable.filter((image) => isPlatformImage(image, undefined)))
}

/** CustomAmiList as EB gives it: `hvm` for the x86_64 image, `arm64` for the Graviton one. */
function customAmis(ec2: Ec2State, platform: PlatformEntry, now: number): CustomAmi[] {
  const list: CustomAmi[] = []
  const x86 = platformImage(ec2, platform, 'x86_64', now)
  const arm = platformImage(ec2, platform, 'arm64', now)
  if (arm) list.push({VirtualizationType: 'arm64', ImageId: arm.id})
  if (x86) list.push({VirtualizationType: 'hvm', ImageId: x86.id})
  return list
}

// ---- output shapes ----------------------------------------------------------

const SUPPORTED_TIERS = ['WebServer/Standard', 'Worker/SQS/HTTP']
const SUPPORTED_ADDONS = ['Log/S3', 'Monitoring/Healthd', 'WebServer/Proxy/Nginx']

function toSummary(platform: PlatformEntry, region: string): PlatformSummary {
  return {
    PlatformArn: platformArn(platform, region),
    PlatformOwner: 'AWSElasticBeanstalk',
    PlatformStatus: 'Ready',
    PlatformCategory: platform.language,
    OperatingSystemName: 'Amazon Linux',
    OperatingSystemVersion: '2023',
    SupportedTierList: SUPPORTED_TIERS,
    SupportedAddonList: SUPPORTED_ADDONS,
    PlatformLifecycleState: platform.lifecycle,
    PlatformVersion: platform.version,
    PlatformBranchName: platform.branch,
    PlatformBranchLifecycleState: 'Supported',
  }
}

function toDescription(platform: PlatformEntry, ec2: Ec2State, context: OperationContext): PlatformDescription {
  const created = new Date(platform.created)
  return {
    ...toSummary(platform, context.region),
    PlatformName: platform.branch,
    SolutionStackName: solutionStackName(platform),
    DateCreated: created,
    DateUpdated: created,
    Description: `${platform.language} ${platform.languageVersion} running on 64bit Amazon Linux 2023`,
    Maintainer: '<mailto:aws-elasticbeanstalk-platforms@amazon.com>',
    ProgrammingLanguages: [{Name: platform.language, Version: platform.languageVersion}],
    Frameworks: [],
    CustomAmiList: customAmis(ec2, platform, context.now),
  }
}

// ---- ListPlatformVersions / DescribePlatformVersion -------------------------

/** What each filter Type reads from a summary; the sandbox supports these. */
const FILTER_FIELDS: Readonly<Record<string, (summary: PlatformSummary) => string | undefined>> = {
  PlatformBranchName: (summary) => summary.PlatformBranchName,
  PlatformLifecycleState: (summary) => summary.PlatformLifecycleState,
  PlatformName: (summary) => summary.PlatformBranchName,
  PlatformOwner: (summary) => summary.PlatformOwner,
  PlatformStatus: (summary) => summary.PlatformStatus,
  PlatformVersion: (summary) => summary.PlatformVersion,
}

const OPERATORS: Readonly<Record<string, (value: string, wanted: string) => boolean>> = {
  '=': (value, wanted) => value === wanted,
  '!=': (value, wanted) => value !== wanted,
  contains: (value, wanted) => value.includes(wanted),
  begins_with: (value, wanted) => value.startsWith(wanted),
  ends_with: (value, wanted) => value.endsWith(wanted),
}

function matchesFilter(summary: PlatformSummary, filter: PlatformFilter): boolean {
  const type = filter.Type ?? ''
  const field = FILTER_FIELDS[type]
  if (!field) throw new SandboxUnsupportedError('elasticbeanstalk', `ListPlatformVersions with filter Type '${type}'`, SPEC_FILE)
  const operator = OPERATORS[filter.Operator ?? '=']
  if (!operator) throw invalidParameterValue(`Invalid operator '${filter.Operator}' for filter type '${type}'.`)
  const value = field(summary)
  // "Only one value is supported for all current operators."
  const wanted = filter.Values?.[0]
  if (wanted === undefined) throw invalidParameterValue(`A value is required for filter type '${type}'.`)
  return value !== undefined && operator(value, wanted)
}

export const listPlatformVersions: Handler<EbContext, ListPlatformVersionsCommandInput, Result<ListPlatformVersionsCommandOutput>> = (_eb, input, context) => {
  const filters = input.Filters ?? []
  const matching = PLATFORMS.map((platform) => toSummary(platform, context.region)).filter((summary) =>
    filters.every((filter) => matchesFilter(summary, filter)),
  )
  const page = paginate(matching, {
    maxResults: checkMaxRecords(input.MaxRecords, 100),
    nextToken: input.NextToken,
    defaultSize: 100,
    badToken: errors.badNextToken,
  })
  return {PlatformSummaryList: page.items, NextToken: page.nextToken}
}

export const describePlatformVersion: Handler<EbContext, DescribePlatformVersionCommandInput, Result<DescribePlatformVersionCommandOutput>> = (eb, input, context) => {
  if (input.PlatformArn === undefined) throw new SandboxUnsupportedError('elasticbeanstalk', 'DescribePlatformVersion without PlatformArn', SPEC_FILE)
  const platform = requirePlatformArn(input.PlatformArn, context.region)
  return {PlatformDescription: toDescription(platform, ec2Slice(eb.region, context), context)}
}
