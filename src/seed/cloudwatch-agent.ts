/**
 * The seed streams its own logs (boot, cron runs, its nginx and PHP-FPM) to
 * CloudWatch Logs, as EB streams the web nodes', so `hactl logs --seed`
 * reads them without SSH. The boot script installs amazon-cloudwatch-agent
 * (an AL2023 package) and starts it with this configuration: one log group
 * per file (src/site/log-groups.ts, made by `env create` with a retention:
 * the instance role may write to them, not create them), one stream per
 * instance id (the agent's `{instance_id}` placeholder).
 *
 * Cron's output goes to the journal; a drop-in appends it to a file the
 * agent reads. Streaming is not worth failing a seed for: an agent that will
 * not install or start is logged, and the boot goes on.
 *
 * Agent configuration: "Manually create or edit the CloudWatch agent
 * configuration file", logs section (file_path, log_group_name,
 * log_stream_name) in the CloudWatch User Guide.
 */
import {seedLogGroups} from '../site/log-groups'
import {CRON_SERVICE} from './cron'

export const AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/hactl-seed.json'
const AGENT_CTL = '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl'

/** The agent's configuration: only the logs section. */
export function cloudwatchAgentConfig(site: string): string {
  const files = seedLogGroups(site).map(({group, source}) => ({file_path: source.file, log_group_name: group, log_stream_name: '{instance_id}'}))
  return JSON.stringify({logs: {logs_collected: {files: {collect_list: files}}}})
}

/** The boot script's lines: the cron log drop-in, the agent's configuration, the agent started. */
export function cloudwatchAgentSection(site: string): string {
  const cronLog = seedLogGroups(site).find(({source}) => source.name === 'cron')?.source.file ?? '/var/log/hactl/cron.log'
  return `step='streaming logs to CloudWatch (amazon-cloudwatch-agent)'
log "$step"
mkdir -p -- "$SYSROOT/var/log/hactl"
printf '[Service]\\nStandardOutput=append:${cronLog}\\nStandardError=append:${cronLog}\\n' | install_file /etc/systemd/system/${CRON_SERVICE}.d/10-hactl-log.conf 0644
systemctl daemon-reload
printf '%s\\n' '${cloudwatchAgentConfig(site)}' | install_file ${AGENT_CONFIG_PATH} 0644
if dnf install -y amazon-cloudwatch-agent; then
  ${AGENT_CTL} -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG_PATH} || log "the CloudWatch agent did not start: hactl logs --seed will show nothing"
else
  log "amazon-cloudwatch-agent did not install: hactl logs --seed will show nothing"
fi
`
}
