/**
 * Where the sandbox keeps its state for a CLI run, and which faults it injects.
 * Loaded only when --sandbox is given.
 */
import {dirname, join} from 'node:path'

import {sandboxStateError} from '../aws/errors'
import {UserError} from '../core/errors'
import type {SandboxHandle} from '../sandbox'
import {checkHactlEnvironment} from './env-vars'

export interface ProjectSandboxOptions {
  /** hactl.yml in use; state goes in `.hactl/` beside it. */
  readonly configPath?: string
  readonly region: string
  /** From the hidden --sandbox-fault flag. */
  readonly faults?: readonly string[]
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv
  /** @default process.cwd() */
  readonly cwd?: string
}

export function sandboxStateDir(options: Pick<ProjectSandboxOptions, 'configPath' | 'cwd' | 'env'>): string {
  const env = options.env ?? process.env
  if (env.HACTL_SANDBOX_DIR) return env.HACTL_SANDBOX_DIR
  const base = options.configPath ? dirname(options.configPath) : options.cwd ?? process.cwd()
  return join(base, '.hactl')
}

export function sandboxFaults(flagFaults: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env.HACTL_SANDBOX_FAULTS ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
  return [...fromEnv, ...(flagFaults ?? [])]
}

export async function openProjectSandbox(options: ProjectSandboxOptions): Promise<SandboxHandle> {
  const env = options.env ?? process.env
  // Unset: the sandbox's own default (120x: a 5-minute environment launch takes 2.5 s).
  checkHactlEnvironment(env)
  const speed = env.HACTL_SANDBOX_SPEED ? Number(env.HACTL_SANDBOX_SPEED) : undefined

  const {openSandbox} = await import('../sandbox')
  try {
    return openSandbox({
      faults: sandboxFaults(options.faults, env),
      region: options.region,
      speed,
      stateDir: sandboxStateDir(options),
    })
  } catch (error) {
    if ((error as Error).name === 'SandboxStateError') throw sandboxStateError(error as Error)
    throw new UserError('sandbox', `Could not start the sandbox: ${(error as Error).message}`, {
      cause: error,
      suggestions: ['Check --sandbox-fault / HACTL_SANDBOX_FAULTS (e.g. throttle:ec2:DescribeInstances*2).'],
    })
  }
}
