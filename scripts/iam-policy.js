#!/usr/bin/env node
'use strict'
/**
 * The IAM permissions hactl's own calls need, read from its source rather
 * than kept by hand: every SDK command, paginator and waiter that src/ (not
 * the sandbox) imports from an `@aws-sdk/client-*` package, mapped to its IAM
 * action, plus the few permissions a call needs without being a call of its
 * own (tags given at create time, iam:PassRole). `npm run docs` writes
 * docs/iam-policy.json; a test fails when the file and the source disagree.
 *
 *   src/**.ts ─► import {XCommand, paginateY, waitUntilZ} from '@aws-sdk/client-svc'
 *             ─► svc:X, svc:Y, svc:DescribeZs ─► docs/iam-policy.json (one statement per service)
 *
 * What Elastic Beanstalk itself does for the environment (CloudFormation,
 * Auto Scaling, load balancers) runs under its own service role and the
 * caller's EB permissions: the README says to attach the AWS managed policy
 * AdministratorAccess-AWSElasticBeanstalk next to this one.
 */
const {readdirSync, readFileSync, writeFileSync, mkdirSync} = require('node:fs')
const {join, relative} = require('node:path')

const ROOT = join(__dirname, '..')

/** `@aws-sdk/client-<package>` → the IAM service prefix. */
const PREFIX = {
  acm: 'acm',
  cloudwatch: 'cloudwatch',
  'cloudwatch-logs': 'logs',
  ec2: 'ec2',
  efs: 'elasticfilesystem',
  'elastic-beanstalk': 'elasticbeanstalk',
  elasticache: 'elasticache',
  iam: 'iam',
  rds: 'rds',
  'route-53': 'route53',
  s3: 's3',
  scheduler: 'scheduler',
  'secrets-manager': 'secretsmanager',
  sns: 'sns',
  ssm: 'ssm',
  sts: 'sts',
}

/** Operations whose IAM action has another name (S3's are the usual suspects). */
const ACTION_OF = {
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:PutBucketEncryption': 's3:PutEncryptionConfiguration',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
}

/** Calls that need no permission: sts:GetCallerIdentity works whatever the policy says. */
const NO_PERMISSION = new Set(['sts:GetCallerIdentity'])

/** The SDK's waiters poll one describe operation each. */
const WAITER_POLLS = {
  'ec2:ImageAvailable': 'DescribeImages',
  'ec2:InstanceRunning': 'DescribeInstances',
  'ec2:InstanceTerminated': 'DescribeInstances',
  'elastic-beanstalk:EnvironmentExists': 'DescribeEnvironments',
  'elastic-beanstalk:EnvironmentTerminated': 'DescribeEnvironments',
  'elastic-beanstalk:EnvironmentUpdated': 'DescribeEnvironments',
  'elasticache:CacheClusterAvailable': 'DescribeCacheClusters',
  'elasticache:CacheClusterDeleted': 'DescribeCacheClusters',
  'elasticache:ReplicationGroupAvailable': 'DescribeReplicationGroups',
  'elasticache:ReplicationGroupDeleted': 'DescribeReplicationGroups',
  'rds:DBClusterAvailable': 'DescribeDBClusters',
  'rds:DBClusterDeleted': 'DescribeDBClusters',
  'rds:DBInstanceAvailable': 'DescribeDBInstances',
  'rds:DBInstanceDeleted': 'DescribeDBInstances',
}

/**
 * Permissions a call needs beyond its own action: tags passed to a create
 * call are authorized as the service's tagging action.
 */
const IMPLIED = {
  'ec2:RunInstances': ['ec2:CreateTags'],
  'ec2:CreateImage': ['ec2:CreateTags'],
  'ec2:CreateSecurityGroup': ['ec2:CreateTags'],
  'elasticbeanstalk:CreateEnvironment': ['elasticbeanstalk:AddTags'],
  'elasticache:CreateReplicationGroup': ['elasticache:AddTagsToResource'],
  'elasticache:CreateCacheCluster': ['elasticache:AddTagsToResource'],
  'elasticfilesystem:CreateFileSystem': ['elasticfilesystem:TagResource'],
  'iam:CreateRole': ['iam:TagRole'],
  'iam:CreateInstanceProfile': ['iam:TagInstanceProfile'],
  'logs:CreateLogGroup': ['logs:TagResource'],
  'rds:CreateDBInstance': ['rds:AddTagsToResource'],
  'rds:CreateDBCluster': ['rds:AddTagsToResource'],
  'secretsmanager:CreateSecret': ['secretsmanager:TagResource'],
  'sns:CreateTopic': ['sns:TagResource'],
}

/** Roles hactl hands to a service: the EB instance profile's and service role, the seed's, the scheduler's. */
const PASS_ROLE = {
  Action: ['iam:PassRole'],
  Condition: {StringEquals: {'iam:PassedToService': ['ec2.amazonaws.com', 'elasticbeanstalk.amazonaws.com', 'scheduler.amazonaws.com']}},
  Effect: 'Allow',
  Resource: '*',
  Sid: 'PassRolesToServices',
}

function sourceFiles(dir) {
  const files = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (path !== join(ROOT, 'src', 'sandbox')) files.push(...sourceFiles(path))
    } else if (entry.name.endsWith('.ts')) {
      files.push(path)
    }
  }
  return files
}

/** The IAM actions one file's SDK imports need, each with the files that need it. */
function actionsIn(text, file, into) {
  const imports = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g
  for (const [, typeOnly, names, pkg] of text.matchAll(imports)) {
    if (typeOnly) continue
    const prefix = PREFIX[pkg]
    if (!prefix) throw new Error(`${file}: @aws-sdk/client-${pkg} has no IAM prefix in scripts/iam-policy.js`)
    for (const raw of names.split(',')) {
      const name = raw.trim().split(/\s+as\s+/)[0]
      if (!name || name.startsWith('type ')) continue
      let operation
      if (/^[A-Z]\w*Command$/.test(name)) operation = name.slice(0, -'Command'.length)
      else if (name.startsWith('paginate')) operation = name.slice('paginate'.length)
      else if (name.startsWith('waitUntil')) {
        operation = WAITER_POLLS[`${pkg}:${name.slice('waitUntil'.length)}`]
        if (!operation) throw new Error(`${file}: the waiter ${name} has no describe operation in scripts/iam-policy.js`)
      } else continue
      const action = ACTION_OF[`${prefix}:${operation}`] ?? `${prefix}:${operation}`
      if (NO_PERMISSION.has(action)) continue
      for (const needed of [action, ...(IMPLIED[action] ?? [])]) {
        if (!into.has(needed)) into.set(needed, new Set())
        into.get(needed).add(relative(ROOT, file))
      }
    }
  }
}

/** Every action hactl's source needs, sorted. */
function requiredActions(srcDir = join(ROOT, 'src')) {
  const found = new Map()
  for (const file of sourceFiles(srcDir)) actionsIn(readFileSync(file, 'utf8'), file, found)
  return [...found.keys()].sort()
}

const SID = {
  acm: 'CertificateManager', cloudwatch: 'CloudWatchAlarms', ec2: 'EC2', elasticache: 'ElastiCache', elasticbeanstalk: 'ElasticBeanstalk',
  elasticfilesystem: 'EFS', iam: 'IAM', logs: 'CloudWatchLogs', rds: 'RDS', route53: 'Route53', s3: 'S3', scheduler: 'EventBridgeScheduler',
  secretsmanager: 'SecretsManager', sns: 'SNS', ssm: 'SystemsManager', sts: 'STS',
}

/** The policy document: one statement per service, and iam:PassRole limited to the services hactl hands roles to. */
function policyDocument(actions = requiredActions()) {
  const byService = new Map()
  for (const action of actions) {
    const service = action.split(':')[0]
    if (!byService.has(service)) byService.set(service, [])
    byService.get(service).push(action)
  }
  const statements = [...byService.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([service, list]) => ({
    Action: list, Effect: 'Allow', Resource: '*', Sid: SID[service] ?? service,
  }))
  return {Statement: [...statements, PASS_ROLE], Version: '2012-10-17'}
}

const POLICY_PATH = join(ROOT, 'docs', 'iam-policy.json')

function policyText() {
  return `${JSON.stringify(policyDocument(), null, 2)}\n`
}

module.exports = {POLICY_PATH, policyDocument, policyText, requiredActions}

if (require.main === module) {
  mkdirSync(join(ROOT, 'docs'), {recursive: true})
  writeFileSync(POLICY_PATH, policyText())
  process.stdout.write(`docs/iam-policy.json: ${requiredActions().length} actions\n`)
}
