/*
 * What the simulated SSM agent "runs" for AWS-RunShellScript. The sandbox
 * never runs a shell command on this machine: it answers the few commands
 * whose result it knows exactly as bash would — `true`, `:`, `false`,
 * `exit [N]`, `echo [-n] …` and `sleep N` (simulated seconds) — in lines and
 * `;` / `&&` / `||` chains of them, and says of everything else that it was
 * not run (on stderr, exit 0). Anything with shell syntax it does not model
 * (pipes, redirections, `$`, substitutions, globs, `&`) is a whole line "not
 * run". Behaviour: ssm.md "Run Command".
 */

/** The outcome of one script on one instance. */
export interface ShellResult {
  readonly exit: number
  readonly stdout: string
  readonly stderr: string
  /** Simulated seconds it took (its `sleep`s). */
  readonly seconds: number
  /** True when its sleeps ran past the execution timeout: it was stopped there. */
  readonly timedOut: boolean
}

type Connector = ';' | '&&' | '||'

interface Step {
  /** How this step joins the previous one (`;` for the first). */
  readonly connector: Connector
  readonly words: string[]
}

/** The line the sandbox writes for what it did not run. */
export function notRunLine(command: string): string {
  return `hactl sandbox: not run (the sandbox never runs shell commands): ${command}\n`
}

/** Characters with shell meaning the sandbox does not model, outside single quotes. */
const UNMODELLED = new Set(['|', '<', '>', '$', '`', '(', ')', '{', '}', '*', '?', '[', '~', '\\', '!'])

/** Splits a line into steps, or undefined when it uses syntax the sandbox does not model. */
export function parseLine(line: string): Step[] | undefined {
  const steps: Step[] = []
  let words: string[] = []
  let word: string | undefined
  let connector: Connector = ';'
  const endWord = () => {
    if (word !== undefined) words.push(word)
    word = undefined
  }

  const endStep = (next: Connector): boolean => {
    endWord()
    if (words.length === 0) return false
    steps.push({connector, words})
    words = []
    connector = next
    return true
  }

  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]
    if (char === "'") {
      const close = line.indexOf("'", index + 1)
      if (close < 0) return undefined
      word = (word ?? '') + line.slice(index + 1, close)
      index = close
    } else if (char === '"') {
      const close = line.indexOf('"', index + 1)
      if (close < 0) return undefined
      const inner = line.slice(index + 1, close)
      if (/[$`\\!]/.test(inner)) return undefined
      word = (word ?? '') + inner
      index = close
    } else if (char === ' ' || char === '\t') {
      endWord()
    } else if (char === ';') {
      if (!endStep(';')) return undefined
    } else if (char === '&' || char === '|') {
      // Only `&&` and `||`: a lone `&` (background) or `|` (pipe) is not modelled.
      if (line[index + 1] !== char) return undefined
      if (!endStep(char === '&' ? '&&' : '||')) return undefined
      index += 1
    } else if (char === '#' && word === undefined) {
      break
    } else if (UNMODELLED.has(char)) {
      return undefined
    } else {
      word = (word ?? '') + char
    }
  }

  endWord()
  if (words.length > 0) steps.push({connector, words})
  else if (steps.length > 0 && connector !== ';') return undefined
  return steps
}

interface Run {
  status: number
  stdout: string
  stderr: string
  seconds: number
  exited: boolean
  timedOut: boolean
}

/** Runs one simple command the sandbox models; anything else is reported not run. */
function runWords(run: Run, words: readonly string[], limitSeconds: number): void {
  const [name, ...args] = words
  switch (name) {
    case 'true':
    case ':': {
      run.status = 0
      return
    }

    case 'false': {
      run.status = 1
      return
    }

    case 'exit': {
      const code = args.length === 0 ? run.status : Number(args[0])
      // bash: a non-numeric argument is an error that exits 2.
      run.status = Number.isInteger(code) ? ((code % 256) + 256) % 256 : 2
      run.exited = true
      return
    }

    case 'echo': {
      const newline = args[0] !== '-n'
      run.stdout += (newline ? args : args.slice(1)).join(' ') + (newline ? '\n' : '')
      run.status = 0
      return
    }

    case 'sleep': {
      const seconds = Number(args[0])
      if (args.length !== 1 || !Number.isFinite(seconds) || seconds < 0) break
      if (run.seconds + seconds > limitSeconds) {
        run.seconds = limitSeconds
        run.timedOut = true
        run.exited = true
        return
      }

      run.seconds += seconds
      run.status = 0
      return
    }

    default: {
      break
    }
  }

  run.stderr += notRunLine(words.join(' '))
  run.status = 0
}

/**
 * The result of `commands` (AWS-RunShellScript's `commands` parameter: lines
 * of one script) stopped after `limitSeconds` of simulated sleeping.
 */
export function simulateScript(commands: readonly string[], limitSeconds: number): ShellResult {
  const run: Run = {status: 0, stdout: '', stderr: '', seconds: 0, exited: false, timedOut: false}
  const lines = commands.flatMap((command) => command.split('\n'))
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const steps = parseLine(line)
    if (steps === undefined) {
      run.stderr += notRunLine(line)
      run.status = 0
      continue
    }

    for (const step of steps) {
      if (step.connector === '&&' && run.status !== 0) continue
      if (step.connector === '||' && run.status === 0) continue
      runWords(run, step.words, limitSeconds)
      if (run.exited) break
    }

    if (run.exited) break
  }

  return {exit: run.status, stdout: run.stdout, stderr: run.stderr, seconds: run.seconds, timedOut: run.timedOut}
}
