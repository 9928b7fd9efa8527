import type {EventDescription} from '@aws-sdk/client-elastic-beanstalk'

import type {InstanceHealth} from '../../../src/aws/eb'
import {ebFailure, failedDraft, firingAlarm, healthyInService, isBadHealth, RolloutMonitor, type RolloutLook} from '../../../src/bake/rollout-monitor'

const GRACE = 120_000

function instance(instanceId: string, healthStatus: string): InstanceHealth {
  return {causes: [], healthStatus, instanceId}
}

function look(at: number, fields: Partial<RolloutLook> = {}): RolloutLook {
  return {alarms: [], at, color: 'Green', events: [], healthStatus: 'Info', instances: [instance('i-old1', 'Ok'), instance('i-old2', 'Ok')], status: 'Updating', ...fields}
}

describe('rollout monitor: pure judges', () => {
  it('counts only Ok instances as healthy in service', () => {
    expect(healthyInService([instance('a', 'Ok'), instance('b', 'Info'), instance('c', 'Pending'), instance('d', 'Severe')])).toBe(1)
  })

  it('knows bad health, a firing alarm and EB\'s own failure by state and severity, not text', () => {
    expect(isBadHealth({color: 'Red', healthStatus: 'Ok'})).toBe(true)
    expect(isBadHealth({color: 'Green', healthStatus: 'Severe'})).toBe(true)
    expect(isBadHealth({color: 'Yellow', healthStatus: 'Warning'})).toBe(false)
    expect(firingAlarm([{name: 'a', reason: '', state: 'OK'}, {name: 'b', reason: 'x', state: 'ALARM'}])?.name).toBe('b')
    expect(firingAlarm([{name: 'a', reason: '', state: 'INSUFFICIENT_DATA'}])).toBeUndefined()
    const events: EventDescription[] = [{Message: 'anything', Severity: 'WARN'}, {Message: 'whatever the words', Severity: 'ERROR'}]
    expect(ebFailure(events)?.Message).toBe('whatever the words')
    expect(ebFailure([{Message: 'Failed to deploy', Severity: 'INFO'}])).toBeUndefined()
  })
})

describe('failedDraft', () => {
  it('finds a configuration set that failed to deploy since the request, not an earlier update\'s', () => {
    const since = Date.parse('2026-01-01T10:00:00Z')
    const deployed = {DateUpdated: new Date(since + 60_000), DeploymentStatus: 'deployed' as const}
    const pending = {DateUpdated: new Date(since + 60_000), DeploymentStatus: 'pending' as const}
    const failedNow = {DateUpdated: new Date(since + 60_000), DeploymentStatus: 'failed' as const}
    const failedBefore = {DateUpdated: new Date(since - 60_000), DeploymentStatus: 'failed' as const}
    expect(failedDraft([deployed, pending], since)).toBeUndefined()
    expect(failedDraft([deployed, failedBefore], since)).toBeUndefined()
    expect(failedDraft([deployed, failedNow], since)).toBe(failedNow)
    expect(failedDraft([deployed, {DeploymentStatus: 'failed'}], since)).toBeDefined()
  })
})

describe('RolloutMonitor', () => {
  it('goes on while updating, settles only when Ready and Green, and keeps the lowest healthy count', () => {
    const monitor = new RolloutMonitor({graceMs: GRACE, original: ['i-old1', 'i-old2']})
    expect(monitor.observe(look(0)).verdict).toBe('continue')
    expect(monitor.observe(look(15_000, {instances: [instance('i-old1', 'Ok'), instance('i-old2', 'Ok'), instance('i-new1', 'Info')]})).verdict).toBe('continue')
    expect(monitor.observe(look(30_000, {instances: [instance('i-old2', 'Ok'), instance('i-new1', 'Ok')]})).verdict).toBe('continue')
    expect(monitor.observe(look(45_000, {instances: [instance('i-new1', 'Ok'), instance('i-new2', 'Pending')]})).verdict).toBe('continue')
    expect(monitor.observe(look(60_000, {color: 'Grey', instances: [instance('i-new1', 'Ok'), instance('i-new2', 'Ok')], status: 'Ready'})).verdict).toBe('continue')
    expect(monitor.observe(look(75_000, {healthStatus: 'Ok', instances: [instance('i-new1', 'Ok'), instance('i-new2', 'Ok')], status: 'Ready'})).verdict).toBe('settled')
    expect(monitor.lowestHealthy).toBe(1)
    expect(monitor.batches()).toEqual([
      {healthyAt: 30_000, instances: ['i-new1'], startedAt: 15_000},
      {healthyAt: 60_000, instances: ['i-new2'], startedAt: 45_000},
    ])
  })

  it('fails on Red only after the grace period, and forgives Red that clears', () => {
    const monitor = new RolloutMonitor({graceMs: GRACE, original: []})
    expect(monitor.observe(look(0, {color: 'Red', healthStatus: 'Degraded'})).verdict).toBe('continue')
    expect(monitor.observe(look(60_000)).verdict).toBe('continue')
    expect(monitor.observe(look(90_000, {color: 'Red', healthStatus: 'Severe'})).verdict).toBe('continue')
    expect(monitor.observe(look(90_000 + GRACE - 1, {color: 'Red', healthStatus: 'Severe'})).verdict).toBe('continue')
    expect(monitor.observe(look(90_000 + GRACE, {color: 'Red', healthStatus: 'Severe'}))).toMatchObject({reason: 'health', verdict: 'fail'})
  })

  it('fails at once on an alarm in ALARM or an ERROR event, and an ERROR seen once stays a failure', () => {
    const alarmed = new RolloutMonitor({graceMs: GRACE, original: []})
    expect(alarmed.observe(look(0, {alarms: [{name: 'site-5xx', reason: 'Threshold Crossed', state: 'ALARM'}]}))).toMatchObject({reason: 'alarm', verdict: 'fail'})
    const failed = new RolloutMonitor({graceMs: GRACE, original: []})
    expect(failed.observe(look(0, {events: [{Message: 'Failed to deploy configuration.', Severity: 'ERROR'}]}))).toMatchObject({reason: 'eb-failed', verdict: 'fail'})
    expect(failed.observe(look(15_000, {healthStatus: 'Ok', status: 'Ready'}))).toMatchObject({reason: 'eb-failed', verdict: 'fail'})
  })
})
