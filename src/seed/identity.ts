/**
 * How hactl recognises the seed and what it keeps about it on AWS: the tags
 * it is found by, the client token that makes a launch idempotent, and the
 * SSM parameters under `/hactl/<site>/` (state lives on AWS, not locally, so
 * a second operator or a CI job sees the same seed).
 *
 *   /hactl/<site>/live-image        the AMI the environment runs (a bake); absent before the first bake
 *   /hactl/<site>/seed/boot         the boot script's result (pointers.ts bootResultParameterName)
 *   /hactl/<site>/seed/cron         the last cron heartbeat {at, exit, seconds}
 *   /hactl/<site>/seed/generation   which seed this is: 1, 2, … (part of the client token)
 */
import type {Instance} from '@aws-sdk/client-ec2'

import type {Tags} from '../aws/types'
import {ROLE_TAG} from './cron'

export {bootResultParameterName} from './pointers'

export const SITE_TAG = 'hactl:site'
export const SEED_ROLE = 'seed'

/** The tags every seed carries, and that find it (hactl:site + hactl:role). */
export function seedTags(site: string, extra: Tags = {}): Tags {
  return {...extra, Name: `hactl-${site}-seed`, [ROLE_TAG]: SEED_ROLE, [SITE_TAG]: site}
}

/** The two tags a lookup filters on. */
export function seedSelector(site: string): Tags {
  return {[ROLE_TAG]: SEED_ROLE, [SITE_TAG]: site}
}

export function liveImageParameterName(site: string): string {
  return `/hactl/${site}/live-image`
}

export function generationParameterName(site: string): string {
  return `/hactl/${site}/seed/generation`
}

/** Where the sandbox (and the seed's cron runner) publish the last heartbeat. */
export function cronHeartbeatParameterName(site: string): string {
  return `/hactl/${site}/seed/cron`
}

/**
 * The RunInstances ClientToken of a site's n-th seed. EC2 answers a repeated
 * token with the instance it launched the first time, so a re-run after a
 * crash between RunInstances and the wait finds the seed instead of starting
 * a second. A destroyed or failed seed moves the site to the next generation,
 * so the next create gets a new instance (EC2 keeps returning the terminated
 * one for the old token). Site ≤ 23 characters keeps this well under EC2's 64.
 */
export function seedClientToken(site: string, generation: number): string {
  return `hactl-${site}-seed-g${generation}`
}

/** States in which an instance still counts as the seed. */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'] as const

export function tagValue(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((tag) => tag.Key === key)?.Value
}
