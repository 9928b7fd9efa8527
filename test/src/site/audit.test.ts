/** The audit trail against the sandbox's CloudWatch Logs, through the client factory (ManualClock: nothing sleeps). */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {ManualClock} from '../../../src/core/clock'
import {openSandbox} from '../../../src/sandbox'
import {AUDIT_RETENTION_DAYS, auditLogGroupName, ciJobFromEnv, readAudit, recordAudit, redactEntry, type AuditEntry} from '../../../src/site/audit'

const HOUR = 60 * 60_000

describe('audit trail', () => {
  let stateDir: string
  let clock: ManualClock
  let aws: AwsClients

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'hactl-audit-'))
    clock = new ManualClock(Date.UTC(2026, 10, 21, 12))
    aws = new AwsClients({sandbox: openSandbox({clock, region: 'eu-west-1', stateDir}), version: 'test'})
  })

  afterEach(() => rmSync(stateDir, {force: true, recursive: true}))

  function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
    const at = new Date(clock.now()).toISOString()
    return {
      command: 'env create',
      finishedAt: at,
      flags: {yes: true},
      hactlVersion: '0.1.0',
      host: 'laptop',
      outcome: {exitCode: 0},
      principal: 'arn:aws:iam::123456789012:user/alice',
      runId: `run-${clock.now()}`,
      site: 'demo',
      startedAt: at,
      ...overrides,
    }
  }

  it('writes entries to the site-owned log group and reads them back newest first, within --since and --limit', async () => {
    const logs = await aws.logs()
    await recordAudit({entry: entry({command: 'env create'}), logs})
    clock.advance(2 * HOUR)
    await recordAudit({entry: entry({command: 'lock acquire', outcome: {code: 'lock-held', exitCode: 6, message: 'frozen'}}), logs})
    clock.advance(HOUR)
    await recordAudit({entry: entry({command: 'env destroy'}), logs})

    const all = await readAudit({clock, logs, site: 'demo'})
    expect(all.logGroup).toBe(auditLogGroupName('demo'))
    expect(all.entries.map((e) => e.command)).toEqual(['env destroy', 'lock acquire', 'env create'])
    expect(all.entries[1].outcome).toEqual({code: 'lock-held', exitCode: 6, message: 'frozen'})

    const recent = await readAudit({clock, logs, sinceMs: 30 * 60_000, site: 'demo'})
    expect(recent.entries.map((e) => e.command)).toEqual(['env destroy'])
    const limited = await readAudit({clock, limit: 2, logs, site: 'demo'})
    expect(limited).toMatchObject({truncated: true})
    expect(limited.entries).toHaveLength(2)
  })

  it('reads nothing (no error) before the first entry, and skips events that are not entries', async () => {
    const logs = await aws.logs()
    expect((await readAudit({clock, logs, site: 'demo'})).entries).toEqual([])
    await recordAudit({entry: entry(), logs})
    await logs.ensureLogStream(auditLogGroupName('demo'), 'by-hand')
    await logs.putLogEvents(auditLogGroupName('demo'), 'by-hand', [{message: 'hello', timestamp: clock.now()}])
    expect(await readAudit({clock, logs, site: 'demo'})).toMatchObject({entries: [expect.any(Object)], unreadable: 1})
  })

  it('keeps entries for the retention, then they are gone', async () => {
    const logs = await aws.logs()
    await recordAudit({entry: entry(), logs})
    clock.advance((AUDIT_RETENTION_DAYS + 1) * 24 * HOUR)
    expect((await readAudit({clock, logs, sinceMs: 1000 * 24 * HOUR, site: 'demo'})).entries).toEqual([])
  })

  it('redacts secret-looking flags and messages before writing, and says which', async () => {
    const logs = await aws.logs()
    const written = await recordAudit({
      entry: entry({
        flags: {'db-password': 'hunter2', message: 'AKIAIOSFODNN7EXAMPLE', yes: true},
        outcome: {code: 'aws', exitCode: 4, message: 'failed with key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'},
      }),
      logs,
    })
    expect(written.flags).toEqual({'db-password': '[redacted]', message: '[redacted]', yes: true})
    expect(written.outcome.message).toBe('[redacted]')
    expect(written.redacted).toEqual(['flags.db-password', 'flags.message', 'outcome.message'])
    const raw = await logs.filterLogEvents(auditLogGroupName('demo'), {})
    expect(raw.map((e) => e.message).join('\n')).not.toMatch(/hunter2|AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/)
  })

  it('leaves a clean entry alone', () => {
    const clean = entry({flags: {'lock-wait': 30, wait: 90, yes: true}})
    expect(redactEntry(clean)).toEqual(clean)
  })

  it('names the CI job from the environment', () => {
    expect(ciJobFromEnv({GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://github.com'})).toBe(
      'GitHub Actions https://github.com/o/r/actions/runs/42',
    )
    expect(ciJobFromEnv({CI_JOB_URL: 'https://gitlab.example/j/1', GITLAB_CI: 'true'})).toBe('GitLab CI https://gitlab.example/j/1')
    expect(ciJobFromEnv({CI: 'true'})).toBe('CI (unknown provider)')
    expect(ciJobFromEnv({})).toBeUndefined()
  })
})
