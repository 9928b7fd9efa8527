import {Console} from 'node:console'

/**
 * Every test process runs with fake AWS credentials, an endpoint that goes
 * nowhere and no shared config, so an accidental real AWS call fails fast
 * instead of reaching an account.
 */
const SET: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
  AWS_CONFIG_FILE: '/nonexistent/hactl-test-aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/hactl-test-aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'eu-west-1',
  AWS_MAX_ATTEMPTS: '1',
  NO_COLOR: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}
const UNSET = ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'HACTL_SANDBOX', 'HACTL_SANDBOX_FAULTS']

Object.assign(process.env, SET)
for (const name of UNSET) delete process.env[name]

// oclif writes command output with console.log; jest's buffered console would
// swallow it before @oclif/test's runCommand can capture process.stdout.
globalThis.console = new Console({stderr: process.stderr, stdout: process.stdout})
