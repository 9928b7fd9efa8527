/**
 * readSeedMarker: one SSM command (`staging-run --marker --versions`); a seed
 * whose runner predates --versions answers with its usage and exit 2, and is
 * asked for the marker alone.
 */
import type {CommandInvocation, SsmApi} from '../../../src/aws/ssm'
import {readSeedMarker} from '../../../src/bake/gate'
import {ManualClock} from '../../../src/core/clock'

const silent = {emit() {}}

function seedAnswering(answer: (script: string) => Pick<CommandInvocation, 'responseCode' | 'stderr' | 'stdout'>): {ssm: SsmApi; scripts: string[]} {
  const scripts: string[] = []
  const ssm = {
    async getCommandInvocation(commandId: string, instanceId: string): Promise<CommandInvocation> {
      const result = answer(scripts[Number(commandId)])
      return {commandId, done: true, instanceId, status: result.responseCode === 0 ? 'Success' : 'Failed', statusDetails: '', ...result}
    },
    async sendCommand(input: {commands: string[]}): Promise<string> {
      scripts.push(input.commands[0])
      return String(scripts.length - 1)
    },
  } as unknown as SsmApi
  return {scripts, ssm}
}

const MARKER = {appVersion: '6.7.1', code: 'c', php: 'p', plugins: 'q', value: 'sha256:abc'}

describe('readSeedMarker', () => {
  it('reads the marker and the schema versions in one command', async () => {
    const {scripts, ssm} = seedAnswering(() => ({responseCode: 0, stderr: '', stdout: `${JSON.stringify({...MARKER, codeSchema: '58975', dbSchema: '58975'})}\n`}))
    const marker = await readSeedMarker({clock: new ManualClock(), instanceId: 'i-1', reporter: silent, ssm})
    expect(marker).toMatchObject({codeSchema: '58975', dbSchema: '58975', value: 'sha256:abc'})
    expect(scripts).toEqual(['/usr/local/libexec/hactl/staging-run --marker --versions'])
  })

  it('asks an older runner (usage, exit 2) for the marker alone', async () => {
    const {scripts, ssm} = seedAnswering((script) =>
      script.endsWith('--versions') ? {responseCode: 2, stderr: 'usage: staging-run … | --marker', stdout: ''} : {responseCode: 0, stderr: '', stdout: JSON.stringify(MARKER)},
    )
    const marker = await readSeedMarker({clock: new ManualClock(), instanceId: 'i-1', reporter: silent, ssm})
    expect(marker).toEqual(MARKER)
    expect(scripts).toHaveLength(2)
  })

  it('a seed with no runner at all is not ready (exit 12), naming the fix', async () => {
    const {ssm} = seedAnswering(() => ({responseCode: 127, stderr: 'staging-run: No such file or directory', stdout: ''}))
    await expect(readSeedMarker({clock: new ManualClock(), instanceId: 'i-1', reporter: silent, ssm})).rejects.toMatchObject({code: 'no-marker', exitCode: 12})
  })
})
