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

/** What a bare `--lock-wait` (no minutes) waits. */
export const DEFAULT_LOCK_WAIT_MINUTES = 30

/**
 * `--lock-wait [MINUTES]`: queue behind another command's site lock (CI jobs
 * that overlap) instead of failing at once. Never waits behind a deploy
 * freeze. Every command that takes the site lock has it (with `--break-lock`).
 */
export const lockWaitFlag = Flags.integer({
  description: `If another command holds the site lock, wait for it (up to MINUTES, default ${DEFAULT_LOCK_WAIT_MINUTES}) instead of failing, showing who you are queued behind. Never waits behind a deploy freeze (\`hactl lock acquire\`): that fails at once with exit 6.`,
  helpValue: '[<minutes>]',
  max: 24 * 60,
  min: 1,
  summary: 'Wait for the site lock instead of failing.',
})

/**
 * oclif flags always take a value; `--lock-wait` may come bare. Gives a bare
 * `--<name>` (last, or followed by another flag) its default value before
 * oclif parses argv.
 */
export function withOptionalFlagValue(argv: readonly string[], name: string, defaultValue: string): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    out.push(argv[i])
    if (argv[i] === '--') {
      out.push(...argv.slice(i + 1))
      break
    }

    const next = argv[i + 1]
    if (argv[i] === `--${name}` && (next === undefined || next.startsWith('-'))) out.push(defaultValue)
  }

  return out
}

/**
 * The flags the operator gave (on the command line or through a flag's env
 * variable), with their parsed values: what the audit trail records. Defaults
 * nobody typed are left out, so an entry reads like the command that was run.
 */
export function flagsGiven(
  argv: readonly string[],
  parsed: Readonly<Record<string, unknown>>,
  definitions: Readonly<Record<string, {char?: string; env?: string}>>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, boolean | number | string | string[]> {
  const typed = new Set<string>()
  for (const arg of argv) {
    if (arg === '--') break
    if (arg.startsWith('--')) typed.add(arg.slice(2).split('=')[0].replace(/^no-/, ''))
    else if (/^-[A-Za-z]+$/.test(arg)) {
      for (const char of arg.slice(1)) {
        const name = Object.entries(definitions).find(([, def]) => def.char === char)?.[0]
        if (name) typed.add(name)
      }
    }
  }

  const given: Record<string, boolean | number | string | string[]> = {}
  for (const [name, value] of Object.entries(parsed)) {
    const fromEnv = definitions[name]?.env !== undefined && env[definitions[name].env!] !== undefined
    if (value === undefined || (!typed.has(name) && !fromEnv)) continue
    if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') given[name] = value
    else if (Array.isArray(value)) given[name] = value.map(String)
  }

  return given
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {d: 86_400_000, h: 3_600_000, m: 60_000, w: 604_800_000}

/** `--since 1h`: how far back, as `<number><m|h|d|w>` (minutes, hours, days, weeks). Parses to ms. */
export function sinceFlag(defaultText: string) {
  return Flags.custom<number>({
    default: async () => parseDuration(defaultText),
    defaultHelp: async () => defaultText,
    description: `How far back to look: a number and a unit, m (minutes), h (hours), d (days) or w (weeks), e.g. 30m, 1h, 7d. Default ${defaultText}.`,
    helpValue: '<duration>',
    async parse(input) {
      return parseDuration(input)
    },
    summary: 'How far back to look (e.g. 1h, 7d).',
  })()
}

export function parseDuration(input: string): number {
  const match = /^\s*(\d+)\s*([mhdw])\s*$/i.exec(input)
  if (!match || Number(match[1]) === 0) throw new Error(`--since takes a number and a unit (m, h, d or w), e.g. 30m, 1h or 7d (got "${input}")`)
  return Number(match[1]) * DURATION_UNITS_MS[match[2].toLowerCase()]
}

/** `--image ami-…`: an AMI id, checked for its shape before any AWS call. */
export const imageFlag = Flags.string({
  description: 'The AMI to use, by id (ami- and 8 or 17 hex digits).',
  helpValue: 'ami-…',
  async parse(input) {
    if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(input)) throw new Error(`--image ${input} is not an AMI id: expected ami- and 8 or 17 hex digits (e.g. ami-0123456789abcdef0).`)
    return input
  },
  summary: 'AMI id.',
})
