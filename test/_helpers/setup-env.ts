import {Console} from 'node:console'

/**
 * Every test process runs with fake AWS credentials, an endpoint that goes
 * nowhere and no shared config, so an accidental real AWS call fails fast
 * instead of reaching an account.
 */
process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTTESTTESTTEST'
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-not-real'
delete process.env.AWS_SESSION_TOKEN
delete process.env.AWS_PROFILE
process.env.AWS_CONFIG_FILE = '/nonexistent/hactl-test-aws-config'
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/hactl-test-aws-credentials'
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9'
process.env.AWS_REGION = 'eu-west-1'
process.env.AWS_MAX_ATTEMPTS = '1'
delete process.env.HACTL_SANDBOX
delete process.env.HACTL_SANDBOX_FAULTS
process.env.NO_COLOR = '1'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

// oclif writes command output with console.log; jest's buffered console would
// swallow it before @oclif/test's runCommand can capture process.stdout.
globalThis.console = new Console({stderr: process.stderr, stdout: process.stdout})
