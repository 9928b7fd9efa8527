/**
 * Notifications on a sandbox site, whole commands: env create makes the
 * site's topic (encrypted, tagged) and subscribes notify.email once; a
 * freeze and its end publish one message each, with no secret in them.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {publishedMessages, type SnsState} from '../../../src/sandbox/services/sns'
import type {SandboxState} from '../../../src/sandbox/types'
import {exitCodeOf, INIT_WORDPRESS_DEMO, useScratchProject} from '../../_helpers/cli'

const WAIT = ['--wait', '100000']

describe('notifications (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  const state = (): SandboxState => JSON.parse(readFileSync(join(project.dir, '.hactl', 'sandbox.json'), 'utf8')) as SandboxState
  const sns = (): SnsState => state().regions['eu-west-1'].sns!

  it('env create ensures the topic and one email subscription; a freeze and its end publish one message each', async () => {
    writeFileSync(project.configPath, readFileSync(project.configPath, 'utf8').replace('notify: {}', 'notify:\n  email: ops@example.org'))
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    const [topic] = sns().topics
    expect(topic).toMatchObject({attributes: {KmsMasterKeyId: 'alias/aws/sns'}, name: 'hactl-demo-notify', tags: {'hactl:site': 'demo'}})
    expect(topic.subscriptions).toEqual([expect.objectContaining({confirmed: false, endpoint: 'ops@example.org', protocol: 'email'})])
    expect(publishedMessages(state(), 'eu-west-1')).toEqual([])

    expect(exitCodeOf(await project.run(['lock', 'acquire', '-m', '"exam week"', '--sandbox']))).toBe(0)
    expect(exitCodeOf(await project.run(['lock', 'acquire', '-m', '"exam week"', '--sandbox']))).toBe(0)
    const frozen = publishedMessages(state(), 'eu-west-1')
    expect(frozen).toHaveLength(1)
    expect(frozen[0]).toMatchObject({subject: 'hactl demo: deploys frozen: exam week', topicArn: topic.arn})
    expect(frozen[0].message).toContain('event: freeze')

    expect(exitCodeOf(await project.run(['lock', 'release', '--sandbox']))).toBe(0)
    const all = publishedMessages(state(), 'eu-west-1')
    expect(all).toHaveLength(2)
    expect(all[1]).toMatchObject({subject: 'hactl demo: deploy freeze ended'})
    expect(all[1].message).toContain('freeze: exam week')
  })

  it('without notify nothing is made or sent, and a publish that fails only warns', async () => {
    expect(exitCodeOf(await project.run(['lock', 'acquire', '-m', 'quiet', '--sandbox']))).toBe(0)
    expect(state().regions['eu-west-1'].sns).toBeUndefined()

    // A topic of one's own that does not exist: the freeze holds, a warning says the message was not sent.
    writeFileSync(project.configPath, readFileSync(project.configPath, 'utf8').replace('notify: {}', 'notify:\n  topicArn: arn:aws:sns:eu-west-1:123456789012:nowhere'))
    expect(exitCodeOf(await project.run(['lock', 'release', '--sandbox']))).toBe(0)
    const again = await project.run(['lock', 'acquire', '-m', 'loud', '--sandbox'])
    expect(exitCodeOf(again)).toBe(0)
    expect(again.stderr).toContain('was not sent')
  })
})
