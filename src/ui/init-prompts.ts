/**
 * The questions `hactl init` asks in a terminal. Anything already given as a
 * flag is not asked again. Each answer is checked as it is typed, with the
 * same patterns and sentences the config validator uses; the whole config is
 * still validated once more before it is written.
 */
import {input, number, select} from '@inquirer/prompts'

import {APP_NAMES, APP_PROFILES, type AppName, type DatabaseEngine, type InitAnswers, PATTERNS} from '../config'
import {InterruptedError, UserError} from '../core/errors'

/** The prompt functions used, so tests can answer without a terminal. */
export interface InitPrompts {
  readonly input: typeof input
  readonly number: typeof number
  readonly select: typeof select
}

export interface AskInitOptions {
  /** Answers already given as flags; those questions are skipped. */
  readonly given: Partial<InitAnswers>
  /** True when there is a terminal to ask in (stdin and stdout are TTYs). */
  readonly interactive: boolean
  /**
   * Suggested region.
   * @default $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1
   */
  readonly defaultRegion?: string
  /**
   * Where the questions are drawn; stderr keeps stdout for the result (and for --json).
   * @default process.stderr
   */
  readonly output?: NodeJS.WritableStream
  /** @default the @inquirer/prompts functions */
  readonly prompts?: InitPrompts
}

function check(pattern: {pattern: string; hint: string}, optional = false) {
  const re = new RegExp(pattern.pattern, 'u')
  return (value: string): true | string => ((optional && value === '') || re.test(value) ? true : `It ${pattern.hint}.`)
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** Asks for whatever `given` lacks. UserError when there is no terminal; InterruptedError (exit 130) on Ctrl-C. */
export async function askInitAnswers(options: AskInitOptions): Promise<InitAnswers> {
  if (!options.interactive) {
    throw new UserError('no-terminal', 'hactl init needs a terminal to ask its questions.', {
      suggestions: ['Pass --yes with --app, --site and --region (and any of --domain, --db-engine, --instance-type, --min-size, --max-size).'],
    })
  }

  const p = options.prompts ?? {input, number, select}
  const context = {output: options.output ?? process.stderr}
  const given = options.given
  try {
    const app: AppName =
      given.app ??
      (await p.select(
        {
          choices: APP_NAMES.map((a) => ({name: APP_PROFILES[a].label, value: a})),
          message: 'Which application does the site run?',
        },
        context,
      ))
    const profile = APP_PROFILES[app]
    const site =
      given.site ??
      (await p.input(
        {message: 'Site name (goes into AWS resource names; cannot change later):', required: true, validate: check(PATTERNS.site)},
        context,
      ))
    const region =
      given.region ??
      (await p.input(
        {
          default: options.defaultRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
          message: 'AWS Region:',
          validate: check(PATTERNS.region),
        },
        context,
      ))
    const domain =
      given.domain ??
      ((await p.input(
        {
          message: 'Public hostname, e.g. www.example.org (empty for the Elastic Beanstalk URL):',
          validate: (v) => v === '' || HOSTNAME.test(v) || 'It must be a hostname such as www.example.org, or empty.',
        },
        context,
      )) ||
        undefined)
    const dbEngine: DatabaseEngine =
      given.dbEngine ??
      (await p.select(
        {
          choices: profile.databaseEngines.map((e) => ({value: e})),
          default: profile.databaseEngines[0],
          message: 'Database engine:',
        },
        context,
      ))
    const instanceType =
      given.instanceType ??
      (await p.input({default: 't3.small', message: 'Web instance type:', validate: check(PATTERNS.instanceType)}, context))
    const minSize =
      given.minSize ??
      (await p.number({default: 2, max: 10_000, message: 'Fewest web instances (2 or more survives an AZ outage):', min: 1, required: true}, context))
    // Above minSize, so a rolling update can keep minSize in service (the default rollout policy).
    const maxSize =
      given.maxSize ??
      (await p.number(
        {default: Math.max(4, minSize + 1), max: 10_000, message: 'Most web instances:', min: minSize + 1, required: true},
        context,
      ))
    return {app, dbEngine, domain, instanceType, maxSize, minSize, region, site}
  } catch (error) {
    // Ctrl-C inside a prompt.
    if (error instanceof Error && error.name === 'ExitPromptError') throw new InterruptedError('hactl init was cancelled; nothing was written.', {suggestions: ['Run `hactl init` again, or pass --yes with flags.']})
    throw error
  }
}
