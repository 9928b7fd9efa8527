import * as fs from 'node:fs'
import * as path from 'node:path'

import {DescribeVpcsCommand} from '@aws-sdk/client-ec2'

import {openSandbox} from '../../../src/sandbox'
import {manualSandbox, removeTempStateDirs, tempStateDir} from './clients'

afterAll(removeTempStateDirs)

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
