/**
 * A staging report as JUnit XML, the format CI systems read (Jenkins, GitLab,
 * GitHub Actions reporters): one <testsuite> for the run, one <testcase> per
 * check, <failure> for a failed check and <skipped> for a skipped one. Times
 * are in seconds.
 */
import type {StagingCheckResult, StagingReport} from './record'

const escapeXml = (text: string): string =>
  // Characters XML 1.0 does not allow at all are dropped; the five special ones escaped.
  text
    .replaceAll(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

function testcase(report: Pick<StagingReport, 'site'>, check: StagingCheckResult): string {
  const open = `    <testcase classname="hactl.staging.${escapeXml(report.site)}" name="${escapeXml(check.id)}" time="${seconds(check.ms)}"`
  if (check.status === 'pass') return `${open}>\n      <system-out>${escapeXml(check.message)}</system-out>\n    </testcase>`
  if (check.status === 'skip') return `${open}>\n      <skipped message="${escapeXml(check.message)}"/>\n    </testcase>`
  return `${open}>\n      <failure message="${escapeXml(check.message)}" type="check-failed">${escapeXml(check.message)}</failure>\n    </testcase>`
}

export function junitXml(report: Pick<StagingReport, 'checks' | 'finished' | 'instance' | 'runId' | 'site' | 'started' | 'trigger'>): string {
  const count = (status: StagingCheckResult['status']) => report.checks.filter((check) => check.status === status).length
  const total = report.checks.reduce((sum, check) => sum + check.ms, 0)
  const name = `hactl staging ${report.site}`
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${escapeXml(name)}" tests="${report.checks.length}" failures="${count('fail')}" errors="0" skipped="${count('skip')}" time="${seconds(total)}">
  <testsuite name="${escapeXml(name)}" id="${escapeXml(report.runId)}" hostname="${escapeXml(report.instance)}" timestamp="${escapeXml(report.started.replace(/Z$/, ''))}" tests="${report.checks.length}" failures="${count('fail')}" errors="0" skipped="${count('skip')}" time="${seconds(total)}">
    <properties>
      <property name="trigger" value="${escapeXml(report.trigger)}"/>
      <property name="finished" value="${escapeXml(report.finished)}"/>
    </properties>
${report.checks.map((check) => testcase(report, check)).join('\n')}
  </testsuite>
</testsuites>
`
}
