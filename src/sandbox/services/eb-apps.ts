import type {
  ApplicationDescription,
  ApplicationVersionDescription,
  CreateApplicationCommandInput,
  CreateApplicationCommandOutput,
  CreateApplicationVersionCommandInput,
  CreateApplicationVersionCommandOutput,
  CreateStorageLocationCommandInput,
  CreateStorageLocationCommandOutput,
  DeleteApplicationCommandInput,
  DeleteApplicationCommandOutput,
  DescribeApplicationVersionsCommandInput,
  DescribeApplicationVersionsCommandOutput,
  DescribeApplicationsCommandInput,
  DescribeApplicationsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  UpdateTagsForResourceCommandInput,
  UpdateTagsForResourceCommandOutput,
} from '@aws-sdk/client-elastic-beanstalk'

import {SandboxUnsupportedError, SimError} from '../errors'
import {paginate} from '../paging'
import type {Handler, OperationContext, Result} from '../types'
import {ec2Slice} from './ec2-model'
import {liveMembers} from './eb-fleet'
import {startTermination} from './eb-environments'
import {
  applicationArn,
  checkMaxRecords,
  checkTags,
  environmentArn,
  environmentStatus,
  errors,
  findApplication,
  invalidParameterCombination,
  invalidParameterValue,
  isLive,
  storageBucket,
  toTagList,
  versionArn,
  type EbApplicationRecord,
  type EbContext,
  type EbEnvironmentRecord,
  type EbVersionRecord,
  type Tags,
} from './eb-model'
import {templateNames} from './eb-templates'
import {ensureBucket, findObject} from './s3-model'

const SPEC_FILE = 'src/sandbox/services/eb.md'

// ---- CreateStorageLocation --------------------------------------------------

/** The account's EB bucket, made on first call and returned as it is afterwards. */
export const createStorageLocation: Handler<EbContext, CreateStorageLocationCommandInput, Result<CreateStorageLocationCommandOutput>> = (eb, _input, context) => {
  return {S3Bucket: ensureBucket(eb.region, storageBucket(context), context.now).name}
}

// ---- applications -----------------------------------------------------------

function versionsOf(eb: EbContext, application: string): EbVersionRecord[] {
  return eb.state.versions.filter((version) => version.application === application).sort((a, b) => b.createdAt - a.createdAt)
}

function toApplication(eb: EbContext, app: EbApplicationRecord, context: OperationContext): ApplicationDescription {
  return {
    ApplicationArn: applicationArn(app.name, context),
    ApplicationName: app.name,
    Description: app.description,
    DateCreated: new Date(app.createdAt),
    DateUpdated: new Date(app.updatedAt),
    Versions: versionsOf(eb, app.name).map((version) => version.label),
    ConfigurationTemplates: templateNames(app),
    ResourceLifecycleConfig: {
      VersionLifecycleConfig: {
        MaxCountRule: {Enabled: false, MaxCount: 200, DeleteSourceFromS3: false},
        MaxAgeRule: {Enabled: false, MaxAgeInDays: 180, DeleteSourceFromS3: false},
      },
    },
  }
}

function checkApplicationName(name: string | undefined): string {
  if (name === undefined || name.length < 1 || name.length > 100) {
    throw invalidParameterValue(`1 validation error detected: Value '${name ?? 'null'}' at 'applicationName' failed to satisfy constraint: Member must have length between 1 and 100`)
  }

  return name
}

function addApplication(eb: EbContext, name: string, description: string | undefined, tags: Tags, context: OperationContext): EbApplicationRecord {
  const app: EbApplicationRecord = {name, description, createdAt: context.now, updatedAt: context.now, tags}
  eb.state.applications.push(app)
  return app
}

export const createApplication: Handler<EbContext, CreateApplicationCommandInput, Result<CreateApplicationCommandOutput>> = (eb, input, context) => {
  const name = checkApplicationName(input.ApplicationName)
  if (eb.state.applications.some((app) => app.name === name)) throw invalidParameterValue(`Application ${name} already exists.`)
  const app = addApplication(eb, name, input.Description, checkTags(input.Tags), context)
  return {Application: toApplication(eb, app, context)}
}

export const describeApplications: Handler<EbContext, DescribeApplicationsCommandInput, Result<DescribeApplicationsCommandOutput>> = (eb, input, context) => {
  const names = input.ApplicationNames ?? []
  const apps = eb.state.applications.filter((app) => names.length === 0 || names.includes(app.name))
  return {Applications: apps.map((app) => toApplication(eb, app, context))}
}

/**
 * Deletes the application and its versions. With TerminateEnvByForce its live
 * environments start terminating; without, a live environment stops it.
 */
export const deleteApplication: Handler<EbContext, DeleteApplicationCommandInput, Result<DeleteApplicationCommandOutput>> = (eb, input, context) => {
  const app = findApplication(eb.state, input.ApplicationName)
  const live = eb.state.environments.filter((env) => env.application === app.name && isLive(env, context.now))
  if (live.length > 0 && !input.TerminateEnvByForce) {
    throw invalidParameterValue(`Unable to delete application ${app.name} because it has running environments: ${live.map((env) => env.name).join(', ')}.`)
  }

  for (const env of live) {
    if (environmentStatus(env, context.now) !== 'Terminating') startTermination(eb, env, context)
  }

  eb.state.applications = eb.state.applications.filter((candidate) => candidate !== app)
  eb.state.versions = eb.state.versions.filter((version) => version.application !== app.name)
  return {}
}

// ---- application versions ---------------------------------------------------

function toVersion(version: EbVersionRecord, context: OperationContext): ApplicationVersionDescription {
  return {
    ApplicationVersionArn: versionArn(version, context),
    ApplicationName: version.application,
    Description: version.description,
    VersionLabel: version.label,
    SourceBundle: version.bucket === undefined ? undefined : {S3Bucket: version.bucket, S3Key: version.key},
    DateCreated: new Date(version.createdAt),
    DateUpdated: new Date(version.createdAt),
    Status: version.process ? 'Processed' : 'Unprocessed',
  }
}

function checkSourceBundle(eb: EbContext, bundle: CreateApplicationVersionCommandInput['SourceBundle']): {bucket?: string; key?: string} {
  if (bundle === undefined) return {}
  const bucket = bundle.S3Bucket ?? ''
  const key = bundle.S3Key ?? ''
  // EB fetches the bundle at once; a missing object (or bucket) fails the call.
  if (findObject(eb.region, bucket, key) === undefined) {
    throw invalidParameterCombination(`Unable to download from S3 location (Bucket: ${bucket}  Key: ${key}). Reason: Not Found`)
  }

  return {bucket, key}
}

export const createApplicationVersion: Handler<EbContext, CreateApplicationVersionCommandInput, Result<CreateApplicationVersionCommandOutput>> = (eb, input, context) => {
  if (input.SourceBuildInformation !== undefined || input.BuildConfiguration !== undefined) {
    throw new SandboxUnsupportedError('elasticbeanstalk', 'CreateApplicationVersion from CodeCommit or with a CodeBuild build', SPEC_FILE)
  }

  const name = checkApplicationName(input.ApplicationName)
  const label = input.VersionLabel ?? ''
  if (label.length < 1 || label.length > 100) {
    throw invalidParameterValue(`1 validation error detected: Value '${label}' at 'versionLabel' failed to satisfy constraint: Member must have length between 1 and 100`)
  }

  const exists = eb.state.applications.some((app) => app.name === name)
  if (!exists && !input.AutoCreateApplication) throw errors.applicationNotFound(name)
  if (eb.state.versions.some((version) => version.application === name && version.label === label)) {
    throw invalidParameterValue(`Application Version ${label} already exists.`)
  }

  const bundle = checkSourceBundle(eb, input.SourceBundle)
  const tags = checkTags(input.Tags)
  if (!exists) addApplication(eb, name, undefined, {}, context)
  const version: EbVersionRecord = {
    application: name,
    label,
    description: input.Description,
    bucket: bundle.bucket,
    key: bundle.key,
    process: input.Process ?? false,
    createdAt: context.now,
    tags,
  }
  eb.state.versions.push(version)
  return {ApplicationVersion: toVersion(version, context)}
}

/** Newest first. */
export const describeApplicationVersions: Handler<EbContext, DescribeApplicationVersionsCommandInput, Result<DescribeApplicationVersionsCommandOutput>> = (eb, input, context) => {
  const labels = input.VersionLabels ?? []
  const matching = eb.state.versions
    .filter((version) => input.ApplicationName === undefined || version.application === input.ApplicationName)
    .filter((version) => labels.length === 0 || labels.includes(version.label))
    .sort((a, b) => b.createdAt - a.createdAt)
  const page = paginate(matching, {
    maxResults: checkMaxRecords(input.MaxRecords, 1000),
    nextToken: input.NextToken,
    defaultSize: matching.length || 1,
    badToken: errors.badNextToken,
  })
  return {ApplicationVersions: page.items.map((version) => toVersion(version, context)), NextToken: page.nextToken}
}

// ---- tags -------------------------------------------------------------------

type Taggable = {readonly kind: 'application' | 'version'; readonly record: {tags: Tags}} | {readonly kind: 'environment'; readonly record: EbEnvironmentRecord}

function taggable(eb: EbContext, arn: string | undefined, context: OperationContext): Taggable {
  const wanted = arn ?? ''
  const app = eb.state.applications.find((candidate) => applicationArn(candidate.name, context) === wanted)
  if (app) return {kind: 'application', record: app}
  const version = eb.state.versions.find((candidate) => versionArn(candidate, context) === wanted)
  if (version) return {kind: 'version', record: version}
  const env = eb.state.environments.find((candidate) => isLive(candidate, context.now) && environmentArn(candidate, context) === wanted)
  if (env) return {kind: 'environment', record: env}
  if (/^arn:aws:elasticbeanstalk:[^:]*:[^:]*:(platform|configurationtemplate)\//.test(wanted)) {
    throw new SimError('ResourceTypeNotSupportedException', `The type of the specified Amazon Resource Name (ARN) isn't supported for this operation: '${wanted}'.`)
  }

  throw errors.resourceNotFound(wanted)
}

export const listTagsForResource: Handler<EbContext, ListTagsForResourceCommandInput, Result<ListTagsForResourceCommandOutput>> = (eb, input, context) => {
  return {ResourceArn: input.ResourceArn, ResourceTags: toTagList(taggable(eb, input.ResourceArn, context).record.tags)}
}

/**
 * Adds and removes tags. On an environment EB propagates them to its
 * resources: the live instances get the same change.
 */
export const updateTagsForResource: Handler<EbContext, UpdateTagsForResourceCommandInput, Result<UpdateTagsForResourceCommandOutput>> = (eb, input, context) => {
  const target = taggable(eb, input.ResourceArn, context)
  const added = checkTags(input.TagsToAdd)
  const removed = input.TagsToRemove ?? []
  checkTags(removed.map((Key) => ({Key, Value: ''})))
  const apply = (tags: Tags) => {
    for (const key of removed) delete tags[key]
    Object.assign(tags, added)
  }

  apply(target.record.tags)
  if (target.kind === 'environment') {
    for (const instance of liveMembers(target.record, ec2Slice(eb.region, context), context.now)) apply(instance.tags)
  }

  return {}
}
