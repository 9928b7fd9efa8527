import {Config} from '@oclif/core'
import {captureOutput} from '@oclif/test'

import {HactlCommand} from '../../../src/cli/base-command'
import {waitFlag} from '../../../src/cli/flags'
import {lockParameterName} from '../../../src/site/lock'
import {INIT_WORDPRESS_DEMO, ROOT, useScratchProject} from '../../_helpers/cli'

const confirmed: string[] = []

/** A mutation whose lock is taken over while it works: the heartbeat must stop it. */
class LoseTheLock extends HactlCommand<typeof LoseTheLock> {
  public static flags = {wait: waitFlag(60)}

  public async run(): Promise<{reason: string}> {
    return this.runMutation({
      confirm: async (config) => void confirmed.push(config.site),
      operation: 'test lose the lock',
      render: (result) => `stopped by ${result.reason}`,
      async work({clients, config, deadline, signal}) {
        const ssm = await clients.ssm()
        // Another operator breaks the lock as stale and takes it.
        await ssm.putParameter({name: lockParameterName(config.site), overwrite: true, value: JSON.stringify({token: 'someone-else'})})
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
        expect(deadline.remainingMs()).toBeGreaterThan(0)
        const reason = signal.reason as {code?: string}
        return {reason: reason.code ?? 'unknown'}
      },
    })
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}

describe('HactlCommand.runMutation', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  it('confirms, takes the lock with its heartbeat, and hands the work a signal that aborts when the lock is lost', async () => {
    const saved = {dir: process.env.HACTL_SANDBOX_DIR, speed: process.env.HACTL_SANDBOX_SPEED}
    process.env.HACTL_SANDBOX_DIR = `${project.dir}/.hactl`
    process.env.HACTL_SANDBOX_SPEED = '100000'
    try {
      const config = await Config.load({root: ROOT})
      LoseTheLock.id = 'lose-the-lock'
      const {error, stdout} = await captureOutput(() => LoseTheLock.run(['--sandbox', '--yes', '--config', project.configPath], config))
      expect(error).toBeUndefined()
      expect(confirmed).toEqual(['demo'])
      expect(stdout).toBe('stopped by lock-lost\n')
    } finally {
      restore('HACTL_SANDBOX_DIR', saved.dir)
      restore('HACTL_SANDBOX_SPEED', saved.speed)
    }
  })
})
