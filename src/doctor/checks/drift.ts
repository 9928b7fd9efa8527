/**
 * Drift (issue 14): web nodes run the code of the image they were launched
 * from, and the seed runs the app version of the live image. The markers are
 * read in drift-facts.ts (one SendCommand to the web nodes and the seed);
 * these judges turn its comparison into verdicts.
 *
 *   web-drift   a web node's change marker ≠ the live image's hactl:marker: someone changed code
 *               on it, which the next scale event or rollout loses
 *   seed-drift  the seed's appVersion ≠ the live image's hactl:app-version: the seed (and the
 *               database it migrates) runs other app code than the web nodes
 */
import type {SiteNames} from '../../site/names'
import {defineCheck, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import {NO_BAKE, NO_RUNNER} from '../drift-facts'
import type {SiteFacts} from '../facts'

const NO_SSM = 'Run `hactl doctor` with SSM access (it runs `staging-run --marker` on the web nodes and the seed).'
const FIRST_ROLLOUT = 'Once the seed passes its tests: `hactl bake`, then `hactl rollout`.'
const BAKE_AND_ROLL = 'Bake and roll out: `hactl test run`, `hactl bake`, `hactl rollout` (or `hactl up`).'

const skipped = (list: ReadonlyArray<{instanceId: string; why: string}>): string => listOf(list.map((node) => `${node.instanceId}: ${node.why}`), 2)

function checkWebDrift(facts: SiteFacts, names: SiteNames): Verdict {
  if (!facts.environment) return skip(`no environment ${names.environment} yet`)
  const drift = facts.drift?.web
  if (!drift) return skip('the web nodes were not asked (no SSM access given to doctor)', NO_SSM)
  if (drift.state === 'not-checked') {
    return skip(`not checked: ${drift.why ?? skipped(drift.skipped)}`, drift.why === NO_RUNNER ? FIRST_ROLLOUT : '`hactl exec --all-web -- true` shows whether the nodes answer through SSM.')
  }

  const also = drift.skipped.length > 0 ? `; not checked: ${skipped(drift.skipped)}` : ''
  if (drift.state === 'in-step') return pass(`${plural(drift.inStep.length, 'web node')} at the marker of the live ${drift.liveImageId}${also}`)
  const ids = drift.drifted.map((node) => node.instanceId)
  return fail(
    `${listOf(ids)} ${ids.length === 1 ? 'has' : 'have'} code that differs from the live ${drift.liveImageId} (changed on the node; lost at the next scale event or rollout)${also}`,
    `Make the change on the seed (\`hactl seed exec\`), then bake and roll out; to drop it now, replace the node: aws autoscaling terminate-instance-in-auto-scaling-group --instance-id ${ids[0]} --no-should-decrement-desired-capacity`,
  )
}

function checkSeedDrift(facts: SiteFacts): Verdict {
  const drift = facts.drift?.seed
  if (!drift) return skip('the seed was not asked (no SSM access given to doctor)', NO_SSM)
  switch (drift.state) {
    case 'not-checked': {
      return skip(`not checked: ${drift.why ?? 'not asked'}`, drift.why === NO_BAKE ? FIRST_ROLLOUT : '`hactl seed status` shows whether the seed answers through SSM.')
    }

    case 'app-version': {
      return fail(
        `the seed ${drift.instanceId} runs app version ${drift.seedAppVersion}, the live image ${drift.liveAppVersion}: the web nodes share its database and may run code older than the schema`,
        BAKE_AND_ROLL,
      )
    }

    case 'ahead': {
      return pass(`the seed ${drift.instanceId} changed since the live bake (code or plugins), same app version ${drift.seedAppVersion ?? '?'}: the next bake takes it`)
    }

    case 'same': {
      return pass(`the seed ${drift.instanceId} is at the live bake's marker`)
    }
  }
}

export const webDrift = defineCheck({id: 'web-drift', judge: checkWebDrift, needs: ['drift'], title: 'Web nodes run the code of the live image'})
export const seedDrift = defineCheck({id: 'seed-drift', judge: checkSeedDrift, needs: ['drift'], title: 'The seed runs the app version of the live image'})
