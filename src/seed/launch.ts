/**
 * What the seed is launched from and with: the AMI (the live bake, else the
 * base AMI of the environment's exact platform version) and the
 * RunInstances request. The request is built by a pure function so a unit
 * test can read every field of it.
 */
import type {_InstanceType, RunInstancesCommandInput} from '@aws-sdk/client-ec2'

import type {EbApi} from '../aws/eb'
import type {SsmApi} from '../aws/ssm'
import type {Tags} from '../aws/types'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {tagList} from '../aws/resource-calls'
import {liveImageParameterName} from './identity'

export type Architecture = 'arm64' | 'x86_64'

/**
 * The CPU architecture of an instance type, from its name: Graviton families
 * carry a `g` after the generation digit (t4g, m7g, c6gn, r8g) and a1 is the
 * first Graviton. Read from the name so choosing the AMI costs no
 * DescribeInstanceTypes call (and no extra IAM permission).
 */
export function architectureOf(instanceType: string): Architecture {
  const family = instanceType.split('.')[0] ?? ''
  return /^a1$|^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'x86_64'
}

export interface SeedImage {
  readonly imageId: string
  /** `live-bake`: the AMI the site runs; `platform`: EB's base AMI for the platform version. */
  readonly source: 'live-bake' | 'platform'
  /** The platform version it belongs to, when it is the base AMI. */
  readonly platformArn?: string
}

/**
 * EB's CustomAmiList names one image per virtualization type: `hvm` is the
 * x86_64 image and `arm64` the Graviton one (EBDG `using-features.customenv`:
 * "aws elasticbeanstalk describe-platform-version … CustomAmiList", hvm).
 */
export async function chooseSeedImage(options: {eb: EbApi; ssm: SsmApi; site: string; environmentName: string; architecture: Architecture}): Promise<SeedImage> {
  const live = await options.ssm.getParameter(liveImageParameterName(options.site))
  if (live?.value.startsWith('ami-')) return {imageId: live.value, source: 'live-bake'}

  const environment = await options.eb.describeEnvironment(options.environmentName)
  if (!environment?.PlatformArn) {
    throw new HactlError('no-environment', `Environment ${options.environmentName} does not exist; the seed runs the AMI the environment runs.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Run `hactl env create` first.'],
    })
  }

  const platform = await options.eb.describePlatformVersion(environment.PlatformArn)
  const wanted = options.architecture === 'arm64' ? 'arm64' : 'hvm'
  const image = platform?.CustomAmiList?.find((ami) => ami.VirtualizationType === wanted)?.ImageId
  if (!image) {
    throw new HactlError('no-platform-ami', `Platform ${environment.PlatformArn} lists no ${wanted} AMI for this Region.`, {
      suggestions: ['Check the platform with `aws elasticbeanstalk describe-platform-version --platform-arn …`; set seed.instanceType to an instance type of the other architecture if only that one is listed.'],
    })
  }

  return {imageId: image, platformArn: environment.PlatformArn, source: 'platform'}
}

export interface SeedLaunchSpec {
  readonly imageId: string
  /** The image's RootDeviceName, so the mapping changes the root volume instead of adding one. */
  readonly rootDeviceName: string
  readonly instanceType: string
  readonly subnetId: string
  readonly securityGroupId: string
  readonly instanceProfile: string
  readonly tags: Tags
  /** The gzipped boot script (bootUserData). */
  readonly userData: Buffer
  readonly clientToken: string
}

/** The RunInstances request for the seed. */
export function seedRunInstancesInput(spec: SeedLaunchSpec): RunInstancesCommandInput {
  return {
    BlockDeviceMappings: [
      // The AMI's own root device (AL2023: /dev/xvda), encrypted with the account's default EBS key;
      // gp3 for its baseline IOPS. The AMI's own snapshot size is kept (no VolumeSize).
      {DeviceName: spec.rootDeviceName, Ebs: {DeleteOnTermination: true, Encrypted: true, VolumeType: 'gp3'}},
    ],
    ClientToken: spec.clientToken,
    IamInstanceProfile: {Name: spec.instanceProfile},
    ImageId: spec.imageId,
    // A seed that shuts itself down is stopped, not lost with its installed plugins.
    InstanceInitiatedShutdownBehavior: 'stop',
    InstanceType: spec.instanceType as _InstanceType,
    MaxCount: 1,
    // IMDSv2 only (invariant 6), and the instance's own tags readable through IMDS:
    // the cron gate asks it for hactl:role at every run (invariant 1, AWS-NOTES §4.5).
    MetadataOptions: {HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1, HttpTokens: 'required', InstanceMetadataTags: 'enabled'},
    MinCount: 1,
    SecurityGroupIds: [spec.securityGroupId],
    SubnetId: spec.subnetId,
    TagSpecifications: [
      {ResourceType: 'instance', Tags: tagList(spec.tags)},
      {ResourceType: 'volume', Tags: tagList(spec.tags)},
    ],
    UserData: spec.userData.toString('base64'),
  }
}
