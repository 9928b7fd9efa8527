import * as fs from 'node:fs'
// The module object itself (not the namespace copy `import *` makes), so jest can spy on it.
import nodeFs from 'node:fs'
import * as path from 'node:path'

import {DescribeVpcsCommand} from '@aws-sdk/client-ec2'

import {SandboxStateError, openSandbox} from '../../../src/sandbox'
import {DURATIONS} from '../../../src/sandbox/durations'
import {StateStore} from '../../../src/sandbox/store'
import type {SandboxState} from '../../../src/sandbox/types'
import {manualSandbox, removeTempStateDirs, tempStateDir} from './clients'
import {sliceShapes, type SliceShape} from '../../../src/sandbox/registry'
import {sliceProblem} from '../../../src/sandbox/store'

afterAll(removeTempStateDirs)
afterEach(() => jest.restoreAllMocks())

function freshState(): SandboxState {
  return {version: 1, account: '123456789012', seed: 'test', counter: 0, simNow: 0, savedRealAt: 0, regions: {}}
}

function bump(state: SandboxState): void {
  state.counter += 1
}

function ageFile(file: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs)
  fs.utimesSync(file, then, then)
}

/** What `work` throws; fails the test when it throws nothing. */
function thrownBy(work: () => unknown): unknown {
  try {
    work()
  } catch (error) {
    return error
  }

  throw new Error('expected an error, but nothing was thrown')
}

describe('sandbox state file', () => {
  it('breaks a lock left behind by a crashed process', async () => {
    const {ec2, stateDir} = manualSandbox()
    const lock = path.join(stateDir, 'sandbox.json.lock')
    fs.writeFileSync(lock, '99999')
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(lock, old, old)
    const {Vpcs} = await ec2.send(new DescribeVpcsCommand({}))
    expect(Vpcs).toHaveLength(1)
    expect(fs.existsSync(lock)).toBe(false)
    expect(fs.readdirSync(stateDir)).toEqual(['sandbox.json'])
  })

  it('writes JSON with no temp files left over', async () => {
    const {ec2, stateDir} = manualSandbox()
    await ec2.send(new DescribeVpcsCommand({}))
    expect(fs.readdirSync(stateDir)).toEqual(['sandbox.json'])
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'sandbox.json'), 'utf8')) as {version: number; account: string}
    expect(state).toMatchObject({version: 1, account: '123456789012'})
  })

  it('says what to do with a state file it cannot read', () => {
    const stateDir = tempStateDir()
    fs.writeFileSync(path.join(stateDir, 'sandbox.json'), '{not json')
    expect(() => openSandbox({stateDir, region: 'eu-west-1'})).toThrow(/hactl sandbox reset/)
  })

  it('creates the state directory when missing', async () => {
    const stateDir = path.join(tempStateDir(), 'nested', '.hactl')
    const {ec2} = manualSandbox({stateDir})
    await ec2.send(new DescribeVpcsCommand({}))
    expect(fs.existsSync(path.join(stateDir, 'sandbox.json'))).toBe(true)
  })
})

describe('sandbox state lock', () => {
  it('treats a lock as stale only after 30 s, as a live holder may be stopped for a while', () => {
    expect(DURATIONS.staleLockRealMs).toBeGreaterThanOrEqual(30_000)
  })

  it('waits for a lock held by a live process instead of breaking it after a few seconds', () => {
    const dir = tempStateDir()
    const lock = path.join(dir, 'sandbox.json.lock')
    fs.writeFileSync(lock, 'other-holder')
    ageFile(lock, 10_000)
    const store = new StateStore(dir, freshState, {lockTimeoutMs: 100})
    expect(thrownBy(() => store.update(bump, () => {}))).toMatchObject({message: expect.stringMatching(/Timed out waiting for the sandbox lock/)})
    expect(fs.readFileSync(lock, 'utf8')).toBe('other-holder')
    expect(fs.existsSync(store.file)).toBe(false)
  })

  it('writes a token unique to each acquisition into the lock file', () => {
    const dir = tempStateDir()
    const store = new StateStore(dir, freshState)
    const tokens = [1, 2].map(() => store.update(() => fs.readFileSync(path.join(dir, 'sandbox.json.lock'), 'utf8'), () => {}))
    for (const token of tokens) expect(token).toMatch(new RegExp(`^${process.pid}\\.[0-9a-f]{16}$`))
    expect(tokens[0]).not.toBe(tokens[1])
  })

  it('does not remove a lock file that no longer holds its token', () => {
    const dir = tempStateDir()
    const lock = path.join(dir, 'sandbox.json.lock')
    const store = new StateStore(dir, freshState)
    store.update(bump, () => {})
    // Ours was broken as stale and another process took the lock; this call changes nothing.
    store.update(() => fs.writeFileSync(lock, 'other-holder'), () => {})
    expect(fs.readFileSync(lock, 'utf8')).toBe('other-holder')
  })

  it('does not write the state once its lock has been taken over', () => {
    const dir = tempStateDir()
    const lock = path.join(dir, 'sandbox.json.lock')
    const store = new StateStore(dir, freshState)
    store.update(bump, () => {})
    const error = thrownBy(() =>
      store.update((state) => {
        bump(state)
        fs.writeFileSync(lock, 'other-holder')
      }, () => {}),
    )
    expect(error).toMatchObject({message: expect.stringMatching(/was taken over.*nothing was written/)})
    expect(store.read().counter).toBe(1)
    expect(fs.readFileSync(lock, 'utf8')).toBe('other-holder')
  })

  it('keeps a fresh lock that replaced the stale one between checking its age and breaking it', () => {
    const dir = tempStateDir()
    const lock = path.join(dir, 'sandbox.json.lock')
    fs.writeFileSync(lock, 'crashed-holder')
    ageFile(lock, 60_000)
    const rename = fs.renameSync
    let raced = false
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      if (from === lock && !raced) {
        // Another process breaks the stale lock and takes a new one just before our rename.
        raced = true
        fs.rmSync(lock)
        fs.writeFileSync(lock, 'live-holder')
      }

      rename(from, to)
    })
    const store = new StateStore(dir, freshState, {lockTimeoutMs: 200})
    expect(thrownBy(() => store.update(bump, () => {}))).toMatchObject({message: expect.stringMatching(/Timed out/)})
    expect(raced).toBe(true)
    expect(fs.readFileSync(lock, 'utf8')).toBe('live-holder')
    expect(fs.readdirSync(dir)).toEqual(['sandbox.json.lock'])
  })
})

describe('sandbox state file errors', () => {
  const valid = JSON.stringify(freshState())
  it.each([
    ['not JSON', '{bad', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['only a version', '{"version":1}', /"account" is not a string/],
    ['not an object', '[]', /does not hold a JSON object/],
    ['another version', valid.replace('"version":1', '"version":2'), /another hactl version/],
    ['no version', valid.replace('"version":1,', ''), /no "version"/],
    ['regions not an object', valid.replace('"regions":{}', '"regions":[]'), /"regions" is not an object/],
    ['a bad counter', valid.replace('"counter":0', '"counter":"7"'), /"counter" is not a whole number/],
    ['no simNow', valid.replace('"simNow":0,', ''), /"simNow" is not a number/],
    ['an EC2 part without VPCs', valid.replace('"regions":{}', '"regions":{"eu-west-1":{"ec2":{}}}'), /regions\.eu-west-1\.ec2.*"vpcs"/],
    ['an SSM part without parameters', valid.replace('"regions":{}', '"regions":{"eu-west-1":{"ssm":{"parameters":[]}}}'), /"parameters"/],
  ])('fails with SandboxStateError for a state file that is %s', (_what, text, problem) => {
    const stateDir = tempStateDir()
    const file = path.join(stateDir, 'sandbox.json')
    fs.writeFileSync(file, text)
    const error = thrownBy(() => openSandbox({stateDir, region: 'eu-west-1'}))
    expect(error).toBeInstanceOf(SandboxStateError)
    const {message} = error as Error
    expect(message).toContain(file)
    expect(message).toContain('Run `hactl sandbox reset` to start afresh.')
    expect(message).toMatch(problem)
  })

  it('fails a call with SandboxStateError when the file is damaged after opening', async () => {
    const {ec2, stateDir} = manualSandbox()
    await ec2.send(new DescribeVpcsCommand({}))
    fs.writeFileSync(path.join(stateDir, 'sandbox.json'), '{"version":1}')
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toBeInstanceOf(SandboxStateError)
  })

  it('accepts a fresh state it wrote itself', () => {
    const dir = tempStateDir()
    new StateStore(dir, freshState).update(bump, () => {})
    expect(new StateStore(dir, freshState).read().counter).toBe(1)
  })
})

const posixOnly = process.platform === 'win32' ? describe.skip : describe

posixOnly('sandbox state file permissions', () => {
  const modeOf = (file: string): number => fs.statSync(file).mode & 0o777

  it('creates the state directory 0700 and the state file (and its temp file) 0600', async () => {
    const stateDir = path.join(tempStateDir(), 'new', '.hactl')
    const rename = fs.renameSync
    const tempModes: number[] = []
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).endsWith('.tmp')) tempModes.push(modeOf(String(from)))
      rename(from, to)
    })
    const {ec2} = manualSandbox({stateDir})
    await ec2.send(new DescribeVpcsCommand({}))
    expect(modeOf(stateDir)).toBe(0o700)
    expect(modeOf(path.join(stateDir, 'sandbox.json'))).toBe(0o600)
    expect(tempModes).not.toHaveLength(0)
    expect(tempModes.every((mode) => mode === 0o600)).toBe(true)
  })

  it('replaces a world-readable state file with a 0600 one on the next write', () => {
    const dir = tempStateDir()
    const file = path.join(dir, 'sandbox.json')
    fs.writeFileSync(file, JSON.stringify(freshState()), {mode: 0o644})
    fs.chmodSync(file, 0o644)
    new StateStore(dir, freshState).update(bump, () => {})
    expect(modeOf(file)).toBe(0o600)
  })
})

describe('sandbox state file: collections newer than the file', () => {
  const shape: SliceShape = {key: 'ssm', arrays: [], objects: ['parameters'], added: {arrays: ['commands'], objects: ['hosts']}}

  it('fills in a collection the file predates instead of refusing it', () => {
    const slice: Record<string, unknown> = {parameters: {}}
    expect(sliceProblem(slice, shape, '"regions.eu-west-1.ssm"')).toBeUndefined()
    expect(slice).toEqual({parameters: {}, commands: [], hosts: {}})
  })

  it('still refuses a damaged one, and one the first files already had', () => {
    expect(sliceProblem({parameters: {}, commands: {}}, shape, 'x')).toMatch(/no valid "commands"/)
    expect(sliceProblem({commands: []}, shape, 'x')).toMatch(/no valid "parameters"/)
  })

  it('every service that keeps state declares its part in the registry', () => {
    expect(sliceShapes().map((slice) => slice.key).sort()).toEqual(['acm', 'cloudwatch', 'eb', 'ec2', 'efs', 'elasticache', 'iam', 'logs', 'rds', 'route53', 's3', 'scheduler', 'secretsmanager', 'sns', 'ssm'])
  })
})
