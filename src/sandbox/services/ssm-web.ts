import {createHash} from 'node:crypto'

import type {RegionState} from '../types'
import type {InstanceRecord} from './ec2-model'
import type {CommandRecord} from './ssm-model'
import type {ShellResult} from './ssm-shell'
import {isBakeScript} from './ssm-cron'
import {STAGING_RUNNER_PATH, isRunnerScript} from './ssm-staging'

/*
 * `staging-run --marker` on a simulated web node (an instance EB launched:
 * tag elasticbeanstalk:environment-name), for drift (`hactl doctor`
 * web-drift, `hactl status --drift`). A baked image carries the runner, so
 * a node launched from one answers with the marker of the image it runs:
 *
 *   image tagged hactl:marker   ─► one line of ChangeMarker JSON, exit 0:
 *                                  value = the tag while no command that counts
 *                                  as a change ran on the node, else another
 *                                  value (derived from the image's and the
 *                                  count of such commands); appVersion = the
 *                                  image's hactl:app-version tag
 *   any other image (the platform's) ─► exit 127, "No such file or directory"
 *
 * What counts as a change is what counts on a seed (ssm.md "The seed's
 * change counter"): every command sent to the node before this one, except
 * the staging runner's and the bake's scripts. It is read from the commands
 * log, so nothing new is kept in the state. Tag keys are written out again
 * (the sandbox imports no product code); a test checks them against
 * src/bake/record.ts BAKE_TAGS.
 */

export const WEB_MARKER_TAGS = {marker: 'hactl:marker', appVersion: 'hactl:app-version'} as const
const WEB_TAG = 'elasticbeanstalk:environment-name'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** True when the script is `staging-run --marker` and nothing else. */
function isMarkerScript(commands: readonly string[]): boolean {
  const words = commands.join('\n').trim().split(/\s+/)
  return isRunnerScript(commands) && words.length === 2 && words[0] === STAGING_RUNNER_PATH && words[1] === '--marker'
}

/** Commands sent to the instance so far that count as a change of its code. */
function changesOn(commands: readonly CommandRecord[], instanceId: string): number {
  return commands.filter((command) => command.invocations.some((invocation) => invocation.instanceId === instanceId) && !isRunnerScript(command.commands) && !isBakeScript(command.commands)).length
}

/** The answer of a web node to `staging-run --marker`; undefined for any other script or instance (not a web node). */
export function simulateWebMarker(commands: readonly string[], instance: InstanceRecord, context: {region: RegionState; commands: readonly CommandRecord[]}): ShellResult | undefined {
  if (instance.tags[WEB_TAG] === undefined || !isMarkerScript(commands)) return undefined
  const image = context.region.ec2?.images.find((candidate) => candidate.id === instance.imageId)
  const baked = image?.tags[WEB_MARKER_TAGS.marker]
  if (image === undefined || baked === undefined) {
    return {exit: 127, stdout: '', stderr: `sh: ${STAGING_RUNNER_PATH}: No such file or directory\n`, seconds: 0, timedOut: false}
  }

  const changes = changesOn(context.commands, instance.id)
  const code = sha(`${image.id} code ${instance.id} ${changes}`)
  const value = changes === 0 ? baked : `sha256:${sha(`${baked}\ncode ${code}\n`)}`
  const marker = {value, code, plugins: sha(`${image.id} plugins`), appVersion: image.tags[WEB_MARKER_TAGS.appVersion] ?? 'sandbox', php: sha(`${image.id} php -m`)}
  return {exit: 0, stdout: `${JSON.stringify(marker)}\n`, stderr: '', seconds: 1, timedOut: false}
}
