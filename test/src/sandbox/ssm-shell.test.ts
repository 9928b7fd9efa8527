import {notRunLine, parseLine, simulateScript} from '../../../src/sandbox/services/ssm-shell'

describe('sandbox shell: what a Run Command script "does"', () => {
  it.each<[string[], number, string]>([
    [['true'], 0, ''],
    [[':'], 0, ''],
    [['false'], 1, ''],
    [['exit 7'], 7, ''],
    [['exit 256'], 0, ''],
    [['exit -1'], 255, ''],
    [['false', 'exit'], 1, ''],
    [['echo hi'], 0, 'hi\n'],
    [['echo -n hi'], 0, 'hi'],
    [["echo 'a  b' \"c d\"e"], 0, 'a  b c de\n'],
    [['echo a; echo b'], 0, 'a\nb\n'],
    [['false && echo no'], 1, ''],
    [['false || echo yes'], 0, 'yes\n'],
    [['true || echo no && echo yes'], 0, 'yes\n'],
    [['echo one\nexit 4\necho two'], 4, 'one\n'],
    [['# a comment', '', 'echo x # trailing'], 0, 'x\n'],
  ])('%j exits %i with stdout %j', (commands, exit, stdout) => {
    const result = simulateScript(commands, 3600)
    expect({exit: result.exit, stdout: result.stdout, stderr: result.stderr}).toEqual({exit, stdout, stderr: ''})
  })

  it.each(['ls -l', 'echo $HOME', 'cat a | wc', 'echo > f', 'sleep 1 &', "echo 'open", 'echo "$(id)"', 'rm *', '; true'])(
    'does not run %j and says so',
    (line) => {
      const result = simulateScript([line], 3600)
      expect(result).toMatchObject({exit: 0, stdout: '', stderr: notRunLine(line)})
    },
  )

  it('counts sleeps in simulated seconds and stops at the limit', () => {
    expect(simulateScript(['sleep 5', 'sleep 2.5'], 60)).toMatchObject({seconds: 7.5, timedOut: false, exit: 0})
    expect(simulateScript(['echo a', 'sleep 90', 'echo b'], 60)).toMatchObject({seconds: 60, timedOut: true, stdout: 'a\n'})
  })

  it('parses chains into steps', () => {
    expect(parseLine('a && b || c; d')?.map((step) => `${step.connector} ${step.words.join(' ')}`)).toEqual(['; a', '&& b', '|| c', '; d'])
    expect(parseLine('a &&')).toBeUndefined()
  })
})
