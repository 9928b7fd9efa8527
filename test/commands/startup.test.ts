/**
 * What bin/run.js does before oclif: `--version` answers without loading
 * oclif (bench/startup.js measures it), so its line must stay oclif's own.
 * The built CLI is not needed: the fast path reads package.json only.
 */
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {Config} from '@oclif/core'

import {ROOT} from '../_helpers/cli'

const BIN = join(ROOT, 'bin', 'run.js')

describe('bin/run.js', () => {
  it('`hactl --version` prints oclif\'s user agent line, without loading oclif', async () => {
    const config = await Config.load(ROOT)
    // NODE_DEBUG=module has Node name on stderr every module it loads.
    const run = spawnSync(process.execPath, [BIN, '--version'], {encoding: 'utf8', env: {...process.env, NODE_DEBUG: 'module'}})
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(`${config.userAgent}\n`)
    expect(run.stderr).toContain('package.json')
    expect(run.stderr).not.toContain('@oclif')
  })
})
