/**
 * The site's IAM policies (part of spec.ts, which re-exports them): the
 * managed policies of the instance and service roles, their trust policies,
 * and the inline policies hactl writes. Pure, like the rest of the spec.
 */
import type {HactlConfig} from '../config/schema'
import {seedLogGroupPrefix} from '../site/log-groups'
import {siteNames} from '../site/names'
import {lockParameterName} from '../site/lock'
import {notifyTopicArn, recordingPolicyStatement} from '../staging/record'
import type {Refs} from './spec'

export const MANAGED_POLICIES = {
  instance: [
    'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier',
    'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  ],
  service: [
    'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth',
    'arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy',
  ],
} as const

export const INSTANCE_POLICY_NAME = 'hactl-site-access'

/** The service role's inline policy (`serviceRolePolicy`). */
export const SERVICE_POLICY_NAME = 'hactl-health-logs'

/**
 * What EB's service role needs to stream the environment's health to
 * CloudWatch Logs (`HealthStreamingEnabled`, .ebextensions/20-hactl-platform.config):
 * EB's guide asks a custom service role for these three actions on the
 * /aws/elasticbeanstalk/* log streams (AWSHowTo.cloudwatchlogs.envhealth).
 * AWSElasticBeanstalkEnhancedHealth v4 lists them too; stating them here keeps
 * streaming working if that managed policy changes (AWS-NOTES-2 A.1 #18).
 */
export function serviceRolePolicy(): string {
  return JSON.stringify({
    Statement: [
      {
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: 'arn:aws:logs:*:*:log-group:/aws/elasticbeanstalk/*:log-stream:*',
        Sid: 'HealthLogStreaming',
      },
    ],
    Version: '2012-10-17',
  })
}

export function trustPolicy(service: 'ec2.amazonaws.com' | 'elasticbeanstalk.amazonaws.com'): string {
  const statement: Record<string, unknown> = {Action: 'sts:AssumeRole', Effect: 'Allow', Principal: {Service: service}}
  if (service === 'elasticbeanstalk.amazonaws.com') statement.Condition = {StringEquals: {'sts:ExternalId': 'elasticbeanstalk'}}
  return JSON.stringify({Statement: [statement], Version: '2012-10-17'})
}

/** An SSM parameter's ARN: the name's leading slash is not repeated after `parameter` (ssm.md; IAM's SSM resource types). */
function parameterArn(config: HactlConfig, account: string, name: string): string {
  return `arn:aws:ssm:${config.region}:${account}:parameter/${name.replace(/^\//, '')}`
}

/**
 * What the instances may read at boot: this site's secrets (exact ARNs: the
 * master secret, which only the seed's db-user step reads, the app's DB
 * secret and the cache token), the site's pointer parameter, the uploads
 * file system through its access point, and their own tags (the role
 * fallback when instance metadata tags are off). They may write only under
 * the seed's SSM path (`/hactl/<site>/seed/*`: the boot result), to the
 * seed's log groups (`/hactl/<site>/seed/*`: its CloudWatch agent; env create
 * makes the groups, so no logs:CreateLogGroup), and the staging runner's two
 * records (tests/last, last-pass); the runner also reads the site lock (a
 * frozen site skips scheduled runs) and publishes to the site's notification
 * topic (a failing scheduled run, its recovery). Least
 * privilege: each statement names its resources, nothing is `*` but
 * ec2:DescribeTags, which takes no resource.
 */
export function instancePolicy(config: HactlConfig, refs: Pick<Refs, 'account' | 'accessPointId' | 'appDbSecretArn' | 'cache' | 'db' | 'efsId'>): string {
  const region = config.region
  const names = siteNames(config.site, config.region)
  const secrets = [refs.db.secretArn, refs.appDbSecretArn, refs.cache.secretArn].filter((arn): arn is string => Boolean(arn))
  const fileSystem = `arn:aws:elasticfilesystem:${region}:${refs.account}:file-system/${refs.efsId}`
  const accessPoint = `arn:aws:elasticfilesystem:${region}:${refs.account}:access-point/${refs.accessPointId}`
  return JSON.stringify({
    Statement: [
      {Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: secrets, Sid: 'SiteSecrets'},
      {
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Condition: {StringEquals: {'elasticfilesystem:AccessPointArn': accessPoint}},
        Effect: 'Allow',
        Resource: fileSystem,
        Sid: 'Uploads',
      },
      {Action: 'ssm:GetParameter', Effect: 'Allow', Resource: parameterArn(config, refs.account, names.pointerParameter), Sid: 'SitePointers'},
      {Action: 'ssm:PutParameter', Effect: 'Allow', Resource: `${parameterArn(config, refs.account, names.seedParameterPrefix)}*`, Sid: 'SeedResults'},
      recordingPolicyStatement({account: refs.account, region, site: config.site}),
      {Action: 'ssm:GetParameter', Effect: 'Allow', Resource: parameterArn(config, refs.account, lockParameterName(config.site)), Sid: 'StagingSeesFreeze'},
      {Action: 'sns:Publish', Effect: 'Allow', Resource: notifyTopicArn(config, refs.account), Sid: 'SiteNotifications'},
      {Action: 'ec2:DescribeTags', Effect: 'Allow', Resource: '*', Sid: 'OwnRoleTag'},
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: `arn:aws:logs:${region}:${refs.account}:log-group:${seedLogGroupPrefix(config.site)}*:log-stream:*`,
        Sid: 'SeedLogs',
      },
    ],
    Version: '2012-10-17',
  })
}
