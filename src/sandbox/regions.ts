/**
 * The Regions the simulated account answers in: AWS's commercial Regions,
 * GovCloud and China, as the "Regions and Availability Zones" page of the AWS
 * General Reference lists them (docs.aws.amazon.com/general/latest/gr/rande.html).
 * The sandbox's own list, not hactl's (src/aws/regions.ts reads the SDK's
 * partition data): the simulator imports no product code, so hactl getting a
 * Region wrong fails here as it would on AWS.
 */
const REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1', 'ap-east-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'cn-north-1', 'cn-northwest-1',
  'eu-central-1', 'eu-central-2',
  'eu-north-1',
  'eu-south-1', 'eu-south-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1',
  'me-central-1', 'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1', 'us-east-2',
  'us-gov-east-1', 'us-gov-west-1',
  'us-west-1', 'us-west-2',
])

/** Services whose endpoint is global, so a made-up Region still reaches them (iam.amazonaws.com). */
const GLOBAL_SERVICES: ReadonlySet<string> = new Set(['iam', 'route53'])

/**
 * What a call to a Region that does not exist meets on AWS: no answer at all,
 * because `<service>.<region>.amazonaws.com` does not resolve. Thrown as
 * Node's own DNS error, so hactl sees what it would see on the wire.
 */
export function unreachableRegionError(service: string, region: string): Error | undefined {
  if (REGIONS.has(region) || GLOBAL_SERVICES.has(service)) return undefined
  const hostname = `${service}.${region}.amazonaws.com`
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {code: 'ENOTFOUND', errno: -3008, hostname, syscall: 'getaddrinfo'})
}
