/** Human rendering of `hactl logs`: one line per event, as `tail -f` of many files would show them. */
import type {SiteLogEvent, SiteLogsResult} from '../ops/logs'

/** `2025-09-10T17:43:05.000Z i-0abc web/nginx-access  <message>` */
export function renderLogEvent(event: SiteLogEvent): string {
  return `${event.time.replace(/\.\d{3}Z$/, 'Z')} ${event.instanceId} ${`${event.role}/${event.log}`.padEnd(16)} ${event.message}`
}

/** The closing line after the events (which were printed as they were read). */
export function renderLogsSummary(result: SiteLogsResult): string {
  const instances = new Set(result.events.map((event) => event.instanceId)).size
  if (result.events.length === 0) {
    return `No log events for ${result.site} since ${result.since}${result.filterPattern ? ` matching ${result.filterPattern}` : ''}. Web nodes stream once EB log streaming is on (hactl env create turns it on); the seed once its CloudWatch agent runs.`
  }

  return `${result.events.length} events from ${instances} instance(s) since ${result.since}${result.truncated ? ' (cut: narrow --since or add --grep)' : ''}.`
}
