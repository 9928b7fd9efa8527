/**
 * The --json contract (STYLE 23): schemas/<command id>.json describes each
 * command's result, schemas/_error.json the envelope of a failed one. Every
 * command here runs for real on the sandbox and its stdout is validated, so a
 * removed, renamed or retyped field is a failing test and a reviewed schema
 * diff, never a surprise for a script that reads hactl's output.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import Ajv, {type ValidateFunction} from 'ajv'

import {exitCodeOf, loadedCommands, ROOT, useScratchProject} from '../_helpers/cli'

const SCHEMAS = join(ROOT, 'schemas')
const ERROR_SCHEMA = '_error'

/** `env create` → schemas/env-create.json */
function schemaName(commandId: string): string {
  return commandId.replaceAll(' ', '-')
}

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(SCHEMAS, `${name}.json`), 'utf8')) as object
}

/** A long --wait: at the tests' 100000x speed hactl's own CPU time would eat a short deadline. */
const WAIT = ['--wait', '100000']

describe('--json schemas', () => {
  const ajv = new Ajv({allErrors: true, strict: true})
  const validators = new Map<string, ValidateFunction>()
  /** Per command id, how many real outputs were validated against its schema. */
  const validated = new Map<string, number>()

  function validator(name: string): ValidateFunction {
    let validate = validators.get(name)
    if (!validate) {
      validate = ajv.compile(loadSchema(name))
      validators.set(name, validate)
    }
    return validate
  }

  /** Parses stdout and checks it against the command's schema (or the error envelope when it failed). */
  function expectValid(commandId: string, run: {stdout: string; error?: Error}): Record<string, unknown> {
    const json = JSON.parse(run.stdout) as Record<string, unknown>
    const failed = exitCodeOf(run) !== 0
    const validate = validator(failed ? ERROR_SCHEMA : schemaName(commandId))
    if (!validate(json)) {
      throw new Error(`hactl ${commandId} --json does not match schemas/${failed ? ERROR_SCHEMA : schemaName(commandId)}.json:\n${ajv.errorsText(validate.errors, {separator: '\n'})}\n${run.stdout}`)
    }
    validated.set(commandId, (validated.get(commandId) ?? 0) + (failed ? 0 : 1))
    return json
  }

  it('every command with --json has a schema, and every schema a command', async () => {
    const commands = await loadedCommands()
    const withJson = [...commands].filter(([, command]) => command.enableJsonFlag || 'json' in command.flags).map(([id]) => schemaName(id))
    expect(withJson.length).toBeGreaterThanOrEqual(11)
    const files = readdirSync(SCHEMAS).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length))
    expect(files.filter((name) => name !== ERROR_SCHEMA).sort()).toEqual(withJson.sort())
  })

  it('every schema is a valid JSON Schema that states what it describes', () => {
    for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.json'))) {
      const schema = loadSchema(file.slice(0, -'.json'.length)) as {title?: string; description?: string; required?: string[]}
      expect({file, title: typeof schema.title, description: typeof schema.description}).toEqual({file, title: 'string', description: 'string'})
      expect(schema.required?.length).toBeGreaterThan(0)
      expect(() => new Ajv({strict: true}).compile(schema)).not.toThrow()
    }
  })

  it('bites: a missing or retyped field fails, an added one is allowed', () => {
    const validate = validator('sandbox-reset')
    expect(validate({removed: true, stateFile: '/tmp/x/sandbox.json'})).toBe(true)
    expect(validate({removed: true, stateFile: '/tmp/x/sandbox.json', later: 1})).toBe(true)
    expect(validate({stateFile: '/tmp/x/sandbox.json'})).toBe(false)
    expect(validate({removed: 'yes', stateFile: '/tmp/x/sandbox.json'})).toBe(false)
    // The error envelope is closed: every command shares it.
    const error = validator(ERROR_SCHEMA)
    const envelope = {error: {code: 'config-missing', exitCode: 2, message: 'no hactl.yml', suggestions: []}}
    expect(error(envelope)).toBe(true)
    expect(error({...envelope, result: {}})).toBe(false)
    expect(error({error: {...envelope.error, exitCode: 0}})).toBe(false)
  })

  describe('each command\'s real output on the sandbox', () => {
    const project = useScratchProject({scope: 'all'})

    it('matches its schema through a site\'s whole life, and a failure matches the error envelope', async () => {
      // Before hactl.yml exists: a failure prints the error envelope.
      const missing = await project.run(['config', 'validate', '--json'])
      expect(exitCodeOf(missing)).not.toBe(0)
      expect(expectValid('config validate', missing)).toMatchObject({error: {code: expect.any(String)}})

      expectValid('init', await project.run(['init', '--yes', '--json', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1']))
      expectValid('config show', await project.run(['config', 'show', '--json']))
      expectValid('config validate', await project.run(['config', 'validate', '--json']))
      expectValid('config schema', await project.run(['config', 'schema', '--json']))
      expectValid('config schema', await project.run(['config', 'schema', '--json', '--output', join(project.dir, 'hactl.schema.json')]))
      expectValid('status', await project.run(['status', '--sandbox', '--json']))
      expectValid('plan', await project.run(['plan', '--json']))
      expectValid('plan', await project.run(['plan', '--live', '--sandbox', '--json']))
      expect(expectValid('env status', await project.run(['env', 'status', '--sandbox', '--json']))).toMatchObject({empty: true})

      const created = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
      expect(exitCodeOf(created)).toBe(0)
      expectValid('env create', created)
      expect(expectValid('env status', await project.run(['env', 'status', '--sandbox', '--json']))).toMatchObject({empty: false})
      expectValid('plan', await project.run(['plan', '--live', '--sandbox', '--json']))
      expectValid('status', await project.run(['status', '--sandbox', '--json']))

      // The deploy freeze and the audit trail.
      expectValid('lock status', await project.run(['lock', 'status', '--sandbox', '--json']))
      expectValid('lock acquire', await project.run(['lock', 'acquire', '--message', 'schema-check', '--sandbox', '--json']))
      expectValid('lock status', await project.run(['lock', 'status', '--sandbox', '--json']))
      expectValid('lock release', await project.run(['lock', 'release', '--sandbox', '--json']))
      expectValid('audit', await project.run(['audit', '--sandbox', '--json', '--since', '30d']))

      // Day two: the web nodes' logs, and a command on every web node.
      expectValid('logs', await project.run(['logs', '--since', '1h', '--sandbox', '--json']))
      expectValid('exec', await project.run(['exec', '--all-web', '--sandbox', '--json', ...WAIT, '--', 'true'], {}, {configFlag: false}))

      // Doctor prints its result, or on a failed check the error envelope with the result as its data.
      const doctor = await project.run(['doctor', '--sandbox', '--json'])
      const doctorJson = expectValid('doctor', doctor)
      if (exitCodeOf(doctor) !== 0) {
        const data = (doctorJson as {error: {data?: unknown}}).error.data
        expect(validator('doctor')(data)).toBe(true)
        validated.set('doctor', 1)
      }

      // The seed's commands, from none to one and back (exec runs from the project: --config after `--` would be the command's).
      expect(expectValid('seed status', await project.run(['seed', 'status', '--sandbox', '--json']))).toMatchObject({seed: null})
      expectValid('seed create', await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
      expect(expectValid('seed status', await project.run(['seed', 'status', '--sandbox', '--json']))).toMatchObject({boot: {status: 'ok'}})
      expectValid('seed exec', await project.run(['seed', 'exec', '--sandbox', '--json', ...WAIT, '--', 'echo', 'hi'], {}, {configFlag: false}))
      // The seed streams its own logs (its boot script starts the CloudWatch agent).
      const seedLogs = expectValid('logs', await project.run(['logs', '--seed', '--since', '1h', '--sandbox', '--json'])) as {events: Array<{role: string; log: string}>}
      expect(seedLogs.events.length).toBeGreaterThan(0)
      expect(new Set(seedLogs.events.map((event) => event.log))).toEqual(expect.objectContaining(new Set(['boot', 'cron'])))
      expectValid('seed tunnel', await project.run(['seed', 'tunnel', '--sandbox', '--json']))
      expectValid('test run', await project.run(['test', 'run', '--sandbox', '--json', ...WAIT]))
      expectValid('test schedule', await project.run(['test', 'schedule', '--sandbox', '--yes', '--every', '1h', '--json']))
      expectValid('test history', await project.run(['test', 'history', '--sandbox', '--json', ...WAIT]))
      expectValid('test schedule', await project.run(['test', 'schedule', '--sandbox', '--yes', '--off', '--json']))
      // A bake (forced: no staging run here), then the bakes listed and pruned.
      expectValid('bake', await project.run(['bake', '--sandbox', '--yes', '--force', '--json', ...WAIT]))
      expect(expectValid('images list', await project.run(['images', 'list', '--sandbox', '--json']))).toMatchObject({images: [expect.any(Object)]})
      expectValid('images prune', await project.run(['images', 'prune', '--sandbox', '--json', '--dry-run']))
      // The bake rolled out and back; slower than 100000x so the monitor sees batches.
      expectValid('rollout', await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], {HACTL_SANDBOX_SPEED: '300'}))
      expectValid('rollback', await project.run(['rollback', '--sandbox', '--yes', '--json', ...WAIT], {HACTL_SANDBOX_SPEED: '300'}))
      // up finds the site rolled back: the latest bake goes live again; a second up has nothing to do.
      expect(expectValid('up', await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT]))).toMatchObject({nothingToDo: false})
      expect(expectValid('up', await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT]))).toMatchObject({nothingToDo: true})
      expectValid('seed destroy', await project.run(['seed', 'destroy', '--sandbox', '--yes', '--json', ...WAIT]))

      const destroyed = await project.run(['env', 'destroy', '--sandbox', '--yes', '--json', ...WAIT])
      expect(exitCodeOf(destroyed)).toBe(0)
      expectValid('env destroy', destroyed)
      expectValid('sandbox reset', await project.run(['sandbox', 'reset', '--json']))
      expect(existsSync(join(project.dir, '.hactl', 'sandbox.json'))).toBe(false)

      // Every command's schema met a real result at least once.
      const ids = [...(await loadedCommands()).keys()].sort()
      expect(ids.filter((id) => !validated.get(id))).toEqual([])
    }, 180_000)
  })
})
