import {isSecretName, plaintextSecrets, secretShapeOf, secretsInText} from '../../../src/security/secret-scan'

describe('plaintextSecrets and secretShapeOf', () => {
  const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

  it('accepts pointers, ids, endpoints, paths and ordinary settings', () => {
    const properties = {
      AUTH_KEY: '',
      HACTL_CACHE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/cache-auth-AbCdEf',
      HACTL_DB_ENDPOINT: 'hactl-demo-db.c9akciq32xyz.eu-west-1.rds.amazonaws.com',
      HACTL_DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-3f2a1c4e-8b7d-4e0f-9a1b-2c3d4e5f6a7b-XyZ123',
      HACTL_EFS_ACCESS_POINT: 'fsap-0123456789abcdef0',
      HACTL_UPLOADS_PATH: '/var/www/html/wp-content/uploads/2024',
      MAIL_PASSWORD: '/hactl/demo/mail-password',
      BUNDLE_SHA256: 'f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2',
      REQUEST_ID: '3f2a1c4e-8b7d-4e0f-9a1b-2c3d4e5f6a7b',
      SITE_URL: 'https://www.example.org/some/long/path/to/the/site/index.php',
    }
    expect(plaintextSecrets(properties)).toEqual([])
  })

  it('flags secret-looking names with a value, and secret-shaped values under any name', () => {
    const findings = plaintextSecrets({
      'api-key': 'abc',
      DB_PASSWORD: 'hunter2hunter2',
      LOGGED_IN_SALT: 'x y z',
      MY_SETTING: SECRET_KEY,
      OTHER: 'AKIAIOSFODNN7EXAMPLE',
      STRIPE: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ123aB',
      WP_TOKEN_VALUE: 'some-value',
    })
    expect(findings.map((f) => f.name).sort()).toEqual(['DB_PASSWORD', 'LOGGED_IN_SALT', 'MY_SETTING', 'OTHER', 'STRIPE', 'WP_TOKEN_VALUE', 'api-key'])
    expect(findings.find((f) => f.name === 'MY_SETTING')?.why).toBe('its value looks like an AWS secret access key')
    expect(findings.find((f) => f.name === 'OTHER')?.why).toBe('its value looks like an AWS access key id')
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|EXAMPLE|sk_live/)
  })

  it('secretShapeOf: private keys and long random tokens, not ARNs or digests', () => {
    expect(secretShapeOf('-----BEGIN RSA PRIVATE KEY-----\nMIIE...')).toBe('a private key')
    expect(secretShapeOf('Zx9Qm2Lp7Vt4Rk8Wn3Hs6Jd1Fb5Gc0Ya9Xe2Uq7Io4Pw')).toBe('a long random token')
    expect(secretShapeOf('arn:aws:iam::123456789012:role/Zx9Qm2Lp7Vt4Rk8Wn3Hs6Jd1Fb5Gc0Ya9Xe2Uq7Io4Pw')).toBeUndefined()
    expect(secretShapeOf('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBeUndefined()
    expect(secretShapeOf('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAa1')).toBeUndefined()
  })
})

describe('isSecretName', () => {
  it('reads names in any case and separator', () => {
    for (const name of ['DB_PASSWORD', 'db-password', 'wp.auth.key', 'apiToken', 'SECURE_AUTH_SALT', 'PWD', 'MY_PASS']) expect(isSecretName(name)).toBe(true)
    for (const name of ['PASSAGE', 'SITE_URL', 'HACTL_DB_ENDPOINT', 'KEYBOARD']) expect(isSecretName(name)).toBe(false)
  })
})

describe('plaintextSecrets on tags (any key/value map)', () => {
  it('passes ordinary bake tags and flags a secret-shaped tag value, naming the key only', () => {
    const tags = {'hactl:site': 'demo', 'hactl:role': 'image', 'hactl:source-ami': 'ami-0123456789abcdef0', 'hactl:tested': 'true'}
    expect(plaintextSecrets(tags)).toEqual([])
    const findings = plaintextSecrets({...tags, note: 'AKIAIOSFODNN7EXAMPLE'})
    expect(findings).toEqual([{name: 'note', why: 'its value looks like an AWS access key id'}])
  })
})

describe('secretsInText: a boot script, user data, a log', () => {
  const SCRIPT = [
    '#!/bin/bash',
    'set -euo pipefail',
    'export DB_PASSWORD="$(aws secretsmanager get-secret-value --secret-id hactl/demo/db --query SecretString --output text)"',
    'CACHE_TOKEN=${HACTL_CACHE_TOKEN}',
    'SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/db-AbCdEf',
    'SITE_URL=https://www.example.org',
    'aws ssm get-parameter --name /hactl/demo/mail-password --with-decryption',
    'echo done',
  ].join('\n')

  it('passes secrets read at run time, pointers and ordinary lines', () => {
    expect(secretsInText(SCRIPT)).toEqual([])
  })

  it('flags a literal assigned to a secret name and credential-shaped text, by line, never by value', () => {
    const text = [
      '#!/bin/bash',
      "export DB_PASSWORD='hunter2hunter2'",
      'wp_auth_key: x y z',
      'curl -H "Authorization: Bearer Zx9Qm2Lp7Vt4Rk8Wn3Hs6Jd1Fb5Gc0Ya9Xe2Uq7Io4Pw" https://example.org',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEpAIBAAKCAQEA',
      '-----END RSA PRIVATE KEY-----',
    ].join('\r\n')
    const findings = secretsInText(text)
    expect(findings).toEqual([
      {line: 2, name: 'DB_PASSWORD', why: 'its name says secret and its value is not an ARN or SSM parameter name'},
      {line: 3, name: 'wp_auth_key', why: 'its name says secret and its value is not an ARN or SSM parameter name'},
      {line: 4, why: 'it looks like a long random token'},
      {line: 5, why: 'it looks like a private key'},
    ])
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|Zx9Qm2/)
  })

  it('flags an assignment whose value is credential-shaped under an ordinary name', () => {
    expect(secretsInText('MY_SETTING=AKIAIOSFODNN7EXAMPLE')).toEqual([{line: 1, name: 'MY_SETTING', why: 'its value looks like an AWS access key id'}])
  })

  it('passes a quoted expansion followed by more assignments on one line (the seed\'s DB-user step)', () => {
    expect(secretsInText('    PGPASSWORD="$master_password" PGSSLMODE=require PGCONNECT_TIMEOUT=10 \\')).toEqual([])
    expect(secretsInText('PGPASSWORD="hunter2" PGSSLMODE=require psql')).toHaveLength(1)
  })

  it('finds nothing in an empty text', () => {
    expect(secretsInText('')).toEqual([])
  })
})
