/**
 * A stand-in for the AWS CLI v2 on PATH, for the seed's scripts: answers
 * `ssm get-parameter`, `ssm put-parameter` and `secretsmanager
 * get-secret-value` from files in its directory, as `--output text` would,
 * and logs each call (service, operation, name; never a value).
 */
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export interface AwsStub {
  /** A directory to put first on PATH. */
  readonly binDir: string
  setParameter(name: string, value: string): void
  parameter(name: string): string | undefined
  setSecret(arn: string, value: string): void
  /** Every call so far, one line each: `ssm get-parameter /hactl/demo/site`. */
  calls(): string[]
}

const key = (name: string): string => name.replaceAll(/[^A-Za-z0-9]/g, '_')

const SCRIPT = `#!/bin/bash
# A stub of the AWS CLI for tests: ssm get-parameter/put-parameter, secretsmanager get-secret-value, sns publish (logged only).
set -euo pipefail
here=$(dirname -- "$(readlink -f -- "$0")")
service=$1 operation=$2
shift 2
name='' value=''
while (($#)); do
  case $1 in
    --name | --secret-id | --topic-arn) name=$2; shift 2 ;;
    --value) value=$2; shift 2 ;;
    --query | --output | --type | --region | --subject | --message) shift 2 ;;
    *) shift ;;
  esac
done
printf '%s %s %s\\n' "$service" "$operation" "$name" >>"$here/calls"
file=\${name//[^A-Za-z0-9]/_}
case "$service $operation" in
  'ssm get-parameter') dir=ssm ;;
  'secretsmanager get-secret-value') dir=secrets ;;
  'ssm put-parameter')
    printf '%s' "$value" >"$here/ssm/$file"
    exit 0
    ;;
  'sns publish') exit 0 ;;
  *) echo "aws stub: $service $operation is not stubbed" >&2; exit 2 ;;
esac
if [[ ! -f $here/$dir/$file ]]; then
  echo "An error occurred (ResourceNotFoundException) when calling $operation: $name not found" >&2
  exit 254
fi
cat -- "$here/$dir/$file"
echo
`

export function createAwsStub(dir: string): AwsStub {
  mkdirSync(join(dir, 'ssm'), {recursive: true})
  mkdirSync(join(dir, 'secrets'), {recursive: true})
  writeFileSync(join(dir, 'aws'), SCRIPT)
  chmodSync(join(dir, 'aws'), 0o755)
  writeFileSync(join(dir, 'calls'), '')
  return {
    binDir: dir,
    calls: () => readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
    parameter(name) {
      try {
        return readFileSync(join(dir, 'ssm', key(name)), 'utf8')
      } catch {
        return undefined
      }
    },
    setParameter: (name, value) => writeFileSync(join(dir, 'ssm', key(name)), value),
    setSecret: (arn, value) => writeFileSync(join(dir, 'secrets', key(arn)), value),
  }
}
