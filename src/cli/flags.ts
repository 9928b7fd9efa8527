/**
 * Flags shared by every command, and flag factories for shared flag logic.
 * Commands get the global ones through `HactlCommand.baseFlags`.
 */
import {Flags} from '@oclif/core'

import {PATTERNS} from '../config/constants'
import {endpointUrlProblem} from './env-vars'

const GLOBAL = 'GLOBAL'

export const globalFlags = {
  config: Flags.string({
    description: 'Path to hactl.yml. Default: $HACTL_CONFIG, else the nearest hactl.yml in this or a parent directory.',
    helpGroup: GLOBAL,
    helpValue: '<path>',
    summary: 'Path to hactl.yml.',
  }),
  'endpoint-url': Flags.string({
    description: 'Send every AWS call to this endpoint (LocalStack, moto). AWS_ENDPOINT_URL works too.',
    helpGroup: GLOBAL,
    helpValue: '<url>',
    async parse(input) {
      const problem = endpointUrlProblem(input)
      if (problem) throw new Error(`--endpoint-url ${problem}; give an http:// or https:// URL such as http://localhost:4566 (got ${JSON.stringify(input)})`)
      return input
    },
    summary: 'Send every AWS call to this endpoint.',
  }),
  profile: Flags.string({
    description: 'Named profile from ~/.aws/config (SSO profiles included). AWS_PROFILE works too.',
    helpGroup: GLOBAL,
    helpValue: '<name>',
    summary: 'AWS profile to use.',
  }),
  region: Flags.string({
    description: 'AWS Region. Default: `region` in hactl.yml, else AWS_REGION or the profile\'s region.',
    helpGroup: GLOBAL,
    helpValue: '<region>',
    async parse(input) {
      if (!new RegExp(PATTERNS.region.pattern).test(input)) throw new Error(`--region ${PATTERNS.region.hint} (got "${input}")`)
      return input
    },
    summary: 'AWS Region.',
  }),
  sandbox: Flags.boolean({
    default: false,
    description:
      'Run against hactl\'s embedded simulated AWS region instead of AWS. State persists in .hactl/ next to hactl.yml; time runs accelerated. HACTL_SANDBOX=1 does the same.',
    env: 'HACTL_SANDBOX',
    helpGroup: GLOBAL,
    summary: 'Use the embedded simulated AWS region.',
  }),
  'sandbox-fault': Flags.string({
    description: 'Inject a fault into the sandbox, e.g. throttle:ec2:DescribeInstances*2. Also HACTL_SANDBOX_FAULTS.',
    hidden: true,
    multiple: true,
  }),
  yes: Flags.boolean({
    char: 'y',
    default: false,
    description: 'Answer yes to confirmations and take defaults instead of asking. Needed where there is no terminal.',
    helpGroup: GLOBAL,
    summary: 'Do not ask; assume yes.',
  }),
}

/** `--wait <minutes>`: how long a command waits for AWS before giving up (the work goes on). */
export function waitFlag(defaultMinutes: number) {
  return Flags.integer({
    default: defaultMinutes,
    description: `Minutes to wait for AWS to finish (default ${defaultMinutes}). On timeout the work goes on in AWS; \`hactl status\` shows where it stands and a re-run picks it up.`,
    helpValue: '<minutes>',
    min: 1,
    summary: 'Minutes to wait before giving up.',
  })
}

/** `--break-lock`: take over the site lock if its holder has gone quiet for longer than the stale timeout. */
export const breakLockFlag = Flags.boolean({
  default: false,
  description:
    'If another operator\'s site lock is stale (no heartbeat for longer than the lock timeout), break it and go on. A live lock is never broken.',
  summary: 'Break a stale site lock.',
})
