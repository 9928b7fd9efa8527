/** Rollout capacity (invariant 3): a new AMI or bundle never takes the site below its minimum in service. */
import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'

import {EB, settingOf} from '../../aws/eb-options'
import type {SiteNames} from '../../site/names'
import {defineCheck, ebSetting, fail, pass, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

/** Bundle deployment policies that take instances out of service without replacing them first. */
const CAPACITY_DROPPING_DEPLOYMENTS = new Set(['AllAtOnce', 'Rolling'])

function intSetting(settings: readonly ConfigurationOptionSetting[], namespace: string, name: string, fallback: number): number {
  const value = Number.parseInt(settingOf(settings, namespace, name) ?? '', 10)
  return Number.isFinite(value) ? value : fallback
}

function checkRolloutCapacity(facts: SiteFacts, names: SiteNames): Verdict {
  const env = facts.environment
  if (!env) return skip(`no environment ${names.environment} yet`)
  const {settings} = env
  const environment = names.environment
  // EB's defaults when an option is unset: MinSize 1, MaxSize 4, rolling updates off, type Time.
  const minSize = intSetting(settings, EB.asg.namespace, EB.asg.MinSize, 1)
  const maxSize = intSetting(settings, EB.asg.namespace, EB.asg.MaxSize, 4)
  const enabled = settingOf(settings, EB.rolling.namespace, EB.rolling.RollingUpdateEnabled)?.toLowerCase() === 'true'
  const type = settingOf(settings, EB.rolling.namespace, EB.rolling.RollingUpdateType) ?? 'Time'
  // EB's default MinInstancesInService is the lower of MinSize and MaxSize − 1.
  const inService = intSetting(settings, EB.rolling.namespace, EB.rolling.MinInstancesInService, Math.min(minSize, maxSize - 1))
  const deployment = settingOf(settings, EB.command.namespace, EB.command.DeploymentPolicy)

  if (!enabled) {
    return fail(`${environment} has rolling updates off: a new AMI replaces every instance at once`, ebSetting(environment, EB.rolling.namespace, EB.rolling.RollingUpdateEnabled, 'true'))
  }

  if (type === 'Time') {
    return fail(`${environment} rolls out by time (RollingUpdateType Time), not by health`, ebSetting(environment, EB.rolling.namespace, EB.rolling.RollingUpdateType, 'Health'))
  }

  if (type === 'Health' && maxSize <= minSize) {
    return fail(
      `${environment} has MaxSize ${maxSize} ≤ MinSize ${minSize}: a rolling update has no room to keep ${minSize} in service`,
      `Raise environment.maxSize in hactl.yml above ${minSize}, then: ${ebSetting(environment, EB.asg.namespace, EB.asg.MaxSize, minSize + 1)}`,
    )
  }

  if (type === 'Health' && inService < minSize) {
    return fail(
      `${environment} keeps only ${inService} of MinSize ${minSize} in service during a rollout (MinInstancesInService ${inService})`,
      ebSetting(environment, EB.rolling.namespace, EB.rolling.MinInstancesInService, minSize),
    )
  }

  if (deployment && CAPACITY_DROPPING_DEPLOYMENTS.has(deployment)) {
    return fail(
      `${environment} deploys bundles with DeploymentPolicy ${deployment}, which takes instances out of service`,
      ebSetting(environment, EB.command.namespace, EB.command.DeploymentPolicy, 'RollingWithAdditionalBatch'),
    )
  }

  return type === 'Immutable'
    ? pass(`${environment} rolls out immutably: a full new set before the old one goes`)
    : pass(`${environment} keeps ${inService} (MinSize ${minSize}) in service, with room up to ${maxSize}`)
}

export const rolloutCapacity = defineCheck({id: 'rollout-capacity', title: 'A rollout never drops below the minimum in service', needs: ['environment'], judge: checkRolloutCapacity})
