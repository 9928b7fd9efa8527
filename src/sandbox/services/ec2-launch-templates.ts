import type {
  CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateCommandOutput,
  DeleteLaunchTemplateCommandInput,
  DeleteLaunchTemplateCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  LaunchTemplate,
  LaunchTemplateVersion,
  _InstanceType,
} from '@aws-sdk/client-ec2'

import {SimError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {isoDate, matchesFilters, missingParameter, pageOf, tagsFromSpecs, toTagList, type Ec2State, type FilterFields, type Tags} from './ec2-model'

/*
 * EC2 launch templates: the ones a caller creates (CreateLaunchTemplate) and
 * the one Elastic Beanstalk keeps per environment (eb-*.ts calls
 * `syncLaunchTemplate` whenever the environment's launch settings change: a
 * new version, made the default). A version keeps the ImageId and instance
 * type only. Behaviour: ec2.md.
 */

export interface LaunchTemplateVersionRecord {
  readonly number: number
  readonly createdAt: number
  readonly description: string | undefined
  readonly imageId: string | undefined
  readonly instanceType: string | undefined
}

export interface LaunchTemplateRecord {
  readonly id: string
  readonly name: string
  readonly createdAt: number
  readonly createdBy: string
  defaultVersion: number
  versions: LaunchTemplateVersionRecord[]
  tags: Tags
}

/** Names: 3–128 characters of letters, digits, ( ) . - / _ (EC2's rule). */
const TEMPLATE_NAME = /^[A-Za-z0-9().\-/_]{3,128}$/

const notFoundById = (id: string) => new SimError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`)
const notFoundByName = (name: string) => new SimError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`)

function templatesOf(state: Ec2State): LaunchTemplateRecord[] {
  state.launchTemplates ??= []
  return state.launchTemplates
}

const latest = (template: LaunchTemplateRecord): number => template.versions.at(-1)?.number ?? 1

function toTemplate(template: LaunchTemplateRecord): LaunchTemplate {
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    CreateTime: new Date(template.createdAt),
    CreatedBy: template.createdBy,
    DefaultVersionNumber: template.defaultVersion,
    LatestVersionNumber: latest(template),
    Tags: toTagList(template.tags),
  }
}

function addVersion(template: LaunchTemplateRecord, data: {imageId?: string; instanceType?: string; description?: string}, context: OperationContext): void {
  template.versions.push({number: latest(template) + (template.versions.length > 0 ? 1 : 0), createdAt: context.now, description: data.description, imageId: data.imageId, instanceType: data.instanceType})
}

export const createLaunchTemplate: Handler<Ec2State, CreateLaunchTemplateCommandInput, Result<CreateLaunchTemplateCommandOutput>> = (state, input, context) => {
  const name = input.LaunchTemplateName
  if (name === undefined) throw missingParameter('LaunchTemplateName')
  if (input.LaunchTemplateData === undefined) throw missingParameter('LaunchTemplateData')
  if (!TEMPLATE_NAME.test(name)) throw new SimError('InvalidLaunchTemplateName.MalformedException', 'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.')
  if (templatesOf(state).some((template) => template.name === name)) {
    throw new SimError('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`)
  }

  const template: LaunchTemplateRecord = {
    id: context.nextId('lt'),
    name,
    createdAt: context.now,
    createdBy: `arn:aws:iam::${context.account}:root`,
    defaultVersion: 1,
    versions: [],
    tags: tagsFromSpecs(input.TagSpecifications, 'launch-template'),
  }
  addVersion(template, {imageId: input.LaunchTemplateData.ImageId, instanceType: input.LaunchTemplateData.InstanceType, description: input.VersionDescription}, context)
  templatesOf(state).push(template)
  return {LaunchTemplate: toTemplate(template)}
}

const TEMPLATE_FILTERS: FilterFields<LaunchTemplateRecord> = {
  'launch-template-name': (template) => [template.name],
  'create-time': (template) => [isoDate(template.createdAt)],
}

export const describeLaunchTemplates: Handler<Ec2State, DescribeLaunchTemplatesCommandInput, Result<DescribeLaunchTemplatesCommandOutput>> = (state, input) => {
  const ids = input.LaunchTemplateIds ?? []
  const names = input.LaunchTemplateNames ?? []
  for (const id of ids) if (!templatesOf(state).some((template) => template.id === id)) throw notFoundById(id)
  for (const name of names) if (!templatesOf(state).some((template) => template.name === name)) throw notFoundByName(name)
  const chosen = templatesOf(state).filter((template) => (ids.length === 0 || ids.includes(template.id)) && (names.length === 0 || names.includes(template.name)))
  const matching = chosen.filter((template) => matchesFilters(template, template.tags, input.Filters, TEMPLATE_FILTERS))
  const page = pageOf(matching, input, ids.length > 0 || names.length > 0, 'LaunchTemplateIds')
  return {LaunchTemplates: page.items.map(toTemplate), NextToken: page.nextToken}
}

function findTemplate(state: Ec2State, input: {LaunchTemplateId?: string; LaunchTemplateName?: string}): LaunchTemplateRecord {
  const {LaunchTemplateId: id, LaunchTemplateName: name} = input
  if (id === undefined && name === undefined) throw missingParameter('LaunchTemplateId or LaunchTemplateName')
  const template = templatesOf(state).find((candidate) => (id === undefined ? candidate.name === name : candidate.id === id))
  if (template === undefined) throw id === undefined ? notFoundByName(name ?? '') : notFoundById(id)
  return template
}

export const deleteLaunchTemplate: Handler<Ec2State, DeleteLaunchTemplateCommandInput, Result<DeleteLaunchTemplateCommandOutput>> = (state, input) => {
  const template = findTemplate(state, input)
  removeLaunchTemplate(state, template.id)
  return {LaunchTemplate: toTemplate(template)}
}

/** `$Latest`, `$Default` or a number; one a template does not have → InvalidLaunchTemplateId.VersionNotFound. */
function versionNumber(template: LaunchTemplateRecord, version: string): number {
  const number = version === '$Latest' ? latest(template) : version === '$Default' ? template.defaultVersion : Number(version)
  if (!template.versions.some((candidate) => candidate.number === number)) {
    throw new SimError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${version} for template ${template.id}.`)
  }

  return number
}

export const describeLaunchTemplateVersions: Handler<Ec2State, DescribeLaunchTemplateVersionsCommandInput, Result<DescribeLaunchTemplateVersionsCommandOutput>> = (state, input) => {
  const template = findTemplate(state, input)
  const wanted = input.Versions === undefined || input.Versions.length === 0 ? undefined : new Set(input.Versions.map((version) => versionNumber(template, version)))
  const versions = template.versions.filter((version) => wanted === undefined || wanted.has(version.number)).sort((a, b) => b.number - a.number)
  const page = pageOf(versions, input, wanted !== undefined, 'Versions')
  return {
    LaunchTemplateVersions: page.items.map(
      (version): LaunchTemplateVersion => ({
        LaunchTemplateId: template.id,
        LaunchTemplateName: template.name,
        VersionNumber: version.number,
        VersionDescription: version.description,
        CreateTime: new Date(version.createdAt),
        CreatedBy: template.createdBy,
        DefaultVersion: version.number === template.defaultVersion,
        LaunchTemplateData: {ImageId: version.imageId, InstanceType: version.instanceType as _InstanceType | undefined},
      }),
    ),
    NextToken: page.nextToken,
  }
}

/**
 * Elastic Beanstalk's launch template of an environment, as its stack keeps
 * it: created with the environment's tags on first call; a new version, made
 * the default, when the ImageId or instance type changed.
 */
export function syncLaunchTemplate(
  state: Ec2State,
  owner: {readonly id: string; readonly name: string; readonly tags: Tags; readonly stackName: string},
  launch: {readonly imageId: string; readonly instanceType: string},
  context: OperationContext,
): void {
  let template = templatesOf(state).find((candidate) => candidate.id === owner.id)
  if (template === undefined) {
    template = {id: owner.id, name: owner.name, createdAt: context.now, createdBy: `arn:aws:sts::${context.account}:assumed-role/aws-elasticbeanstalk-service-role/ElasticBeanstalk`, defaultVersion: 1, versions: [], tags: {...owner.tags, 'aws:cloudformation:stack-name': owner.stackName, 'aws:cloudformation:logical-id': 'AWSEBEC2LaunchTemplate'}}
    templatesOf(state).push(template)
  }

  const current = template.versions.find((version) => version.number === template.defaultVersion)
  if (current?.imageId === launch.imageId && current.instanceType === launch.instanceType) return
  addVersion(template, launch, context)
  template.defaultVersion = latest(template)
}

/** The environment's stack is gone: its launch template goes with it. */
export function removeLaunchTemplate(state: Ec2State, id: string): void {
  state.launchTemplates = templatesOf(state).filter((template) => template.id !== id)
}
