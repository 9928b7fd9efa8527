/**
 * The layer rules in eslint.config.js bite: a file in a lower layer that
 * imports a higher one fails lint. Each case lints a one-line source as if it
 * were a file at that path, with the project's own config.
 */
import {ESLint} from 'eslint'
import {join} from 'node:path'

const root = join(__dirname, '..', '..')
let eslint: ESLint

beforeAll(() => {
  // Loaded here rather than by ESLint, whose dynamic import() jest's VM does not allow.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the project's own CommonJS config file
  const config = require(join(root, 'eslint.config.js')) as ESLint.Options['overrideConfig']
  eslint = new ESLint({cwd: root, overrideConfig: config, overrideConfigFile: true})
})

async function problemsFor(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const x = 1\n`, {filePath: join(root, file)})
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('layer rules', () => {
  it.each([
    ['src/core/upward.ts', "import '../aws/clients'"],
    ['src/core/upward.ts', "import '../cli/base-command'"],
    ['src/aws/upward.ts', "import '../env/spec'"],
    ['src/aws/upward.ts', "import '../ui/cli-reporter'"],
    ['src/aws/upward.ts', "import '../config/schema'"],
    ['src/config/upward.ts', "import '../aws/clients'"],
    ['src/sandbox/services/upward.ts', "import '../../env/eb-namespaces'"],
    ['src/sandbox/upward.ts', "import '../aws/clients'"],
    ['src/site/upward.ts', "import '../env/create'"],
    ['src/env/upward.ts', "import '../ui/render-env'"],
    ['src/doctor/upward.ts', "import '../cli/base-command'"],
    ['src/env/upward.ts', "import {ux} from '@oclif/core'"],
    ['src/ui/upward.ts', "import '../cli/base-command'"],
  ])('%s may not %s', async (file, source) => {
    expect(await problemsFor(file, source)).toHaveLength(1)
  })

  it.each([
    ['src/aws/ok.ts', "import '../core/clock'"],
    ['src/sandbox/ok.ts', "import '../core/clock'"],
    ['src/env/ok.ts', "import '../aws/clients'"],
    ['src/env/ok.ts', "import '../site/names'"],
    ['src/ui/ok.ts', "import '../env/plan'"],
    ['src/cli/ok.ts', "import '../ui/cli-reporter'"],
  ])('%s may %s', async (file, source) => {
    expect(await problemsFor(file, source)).toEqual([])
  })
})
