import type {
  ConfigurationOptionSetting,
  ConfigurationSettingsDescription,
  CreateConfigurationTemplateCommandInput,
  CreateConfigurationTemplateCommandOutput,
  DeleteConfigurationTemplateCommandInput,
  DeleteConfigurationTemplateCommandOutput,
} from '@aws-sdk/client-elastic-beanstalk'

import {SandboxUnsupportedError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {checkOptionSpecs, checkTags, findApplication, findLiveEnvironment, invalidParameterValue, mergeOptions, type EbApplicationRecord, type EbContext, type Tags} from './eb-model'
import {platformArn, platformByArn, requirePlatformArn, solutionStackName} from './eb-platforms'

/*
 * Saved configurations (configuration templates) of an application:
 * CreateConfigurationTemplate from an environment (its settings, with the
 * ImageId it runs) or from a platform with option settings,
 * DeleteConfigurationTemplate, and what DescribeConfigurationSettings and
 * DescribeApplications show of them. Behaviour: eb.md.
 */

const SPEC_FILE = 'src/sandbox/services/eb.md'

export interface EbTemplateRecord {
  readonly name: string
  readonly description: string | undefined
  readonly platformArn: string
  readonly optionSettings: ConfigurationOptionSetting[]
  readonly createdAt: number
  readonly tags: Tags
}

function templatesOf(app: EbApplicationRecord): EbTemplateRecord[] {
  app.templates ??= []
  return app.templates
}

/** The application's saved configurations' names (DescribeApplications ConfigurationTemplates). */
export function templateNames(app: EbApplicationRecord): string[] {
  return (app.templates ?? []).map((template) => template.name).sort()
}

function describe(app: EbApplicationRecord, template: EbTemplateRecord, context: OperationContext): ConfigurationSettingsDescription {
  const platform = platformByArn(template.platformArn, context.region)
  return {
    SolutionStackName: platform === undefined ? undefined : solutionStackName(platform),
    PlatformArn: template.platformArn,
    ApplicationName: app.name,
    TemplateName: template.name,
    Description: template.description,
    DateCreated: new Date(template.createdAt),
    DateUpdated: new Date(template.createdAt),
    OptionSettings: template.optionSettings,
  }
}

const notFound = (app: string, name: string) => invalidParameterValue(`No Configuration Template named '${app}/${name}' found.`)

/** DescribeConfigurationSettings with a TemplateName: the saved configuration, DeploymentStatus absent ("not associated with a running environment"). */
export function templateSettings(eb: EbContext, application: string | undefined, name: string, context: OperationContext): ConfigurationSettingsDescription {
  const app = findApplication(eb.state, application)
  const template = templatesOf(app).find((candidate) => candidate.name === name)
  if (template === undefined) throw notFound(app.name, name)
  return describe(app, template, context)
}

export const createConfigurationTemplate: Handler<EbContext, CreateConfigurationTemplateCommandInput, Result<CreateConfigurationTemplateCommandOutput>> = (eb, input, context) => {
  const app = findApplication(eb.state, input.ApplicationName)
  const name = input.TemplateName ?? ''
  if (name.length < 1 || name.length > 100) throw invalidParameterValue(`1 validation error detected: Value '${name}' at 'templateName' failed to satisfy constraint: Member must have length between 1 and 100`)
  if (templatesOf(app).some((template) => template.name === name)) throw invalidParameterValue(`Configuration Template ${name} already exists.`)
  if (input.SourceConfiguration !== undefined) throw new SandboxUnsupportedError('elasticbeanstalk', 'CreateConfigurationTemplate from a SourceConfiguration', SPEC_FILE)
  checkOptionSpecs(input.OptionSettings ?? [])
  let base: {platformArn: string; optionSettings: ConfigurationOptionSetting[]}
  if (input.EnvironmentId !== undefined) {
    const env = findLiveEnvironment(eb.state, {EnvironmentId: input.EnvironmentId}, context)
    // The environment's settings as they run, the AMI included.
    const image = {Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'ImageId', Value: env.launch.imageId}
    base = {platformArn: env.platformArn, optionSettings: mergeOptions(env.optionSettings, [image], [])}
  } else if (input.PlatformArn !== undefined) {
    base = {platformArn: platformArn(requirePlatformArn(input.PlatformArn, context.region), context.region), optionSettings: []}
  } else {
    throw invalidParameterValue('Specify a platform, a source configuration or an environment.')
  }

  const template: EbTemplateRecord = {
    name,
    description: input.Description,
    platformArn: base.platformArn,
    optionSettings: mergeOptions(base.optionSettings, input.OptionSettings ?? [], []),
    createdAt: context.now,
    tags: checkTags(input.Tags),
  }
  templatesOf(app).push(template)
  return describe(app, template, context)
}

export const deleteConfigurationTemplate: Handler<EbContext, DeleteConfigurationTemplateCommandInput, Result<DeleteConfigurationTemplateCommandOutput>> = (eb, input) => {
  const app = findApplication(eb.state, input.ApplicationName)
  const name = input.TemplateName ?? ''
  if (!templatesOf(app).some((template) => template.name === name)) throw notFound(app.name, name)
  app.templates = templatesOf(app).filter((template) => template.name !== name)
  return {}
}
