/** The factory's S3 interface against the sandbox, with the bucket Elastic Beanstalk's simulation would make. */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import {ManualClock} from '../../../src/core/clock'
import {AwsError} from '../../../src/core/errors'
import {type SandboxHandle} from '../../../src/sandbox'
import {findObject} from '../../../src/sandbox/services/s3-model'
import {sandboxClients, useTempDir} from '../../_helpers/sandbox-dir'

const BUCKET = 'elasticbeanstalk-eu-west-1-123456789012'

describe('S3 through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-s3-')

  /** The narrow API has no CreateBucket (EB makes its bucket); a raw client on the same sandbox stands in. */
  async function makeBucket(sandbox: SandboxHandle): Promise<void> {
    const raw = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: sandbox.region})
    raw.middlewareStack.use(sandbox.plugin('s3'))
    await raw.send(new CreateBucketCommand({Bucket: BUCKET}))
  }

  async function s3Api() {
    const {aws, sandbox} = sandboxClients(sandboxDir.path, {clock: new ManualClock()})
    await makeBucket(sandbox)
    return aws.s3()
  }

  it('uploads a bundle (Uint8Array, AES256) that then exists, with the bytes intact', async () => {
    const s3 = await s3Api()
    const body = new Uint8Array(Buffer.from('PK\u0003\u0004 bundle bytes'))
    expect(await s3.objectExists(BUCKET, 'demo/app-1.zip')).toBe(false)
    await s3.putObject({body, bucket: BUCKET, contentType: 'application/zip', key: 'demo/app-1.zip'})
    expect(await s3.objectExists(BUCKET, 'demo/app-1.zip')).toBe(true)

    const state = JSON.parse(readFileSync(join(sandboxDir.path, 'sandbox.json'), 'utf8'))
    const record = findObject(state.regions['eu-west-1'], BUCKET, 'demo/app-1.zip')
    expect(record).toMatchObject({serverSideEncryption: 'AES256', size: body.length, etag: `"${createHash('md5').update(body).digest('hex')}"`})
    expect(Buffer.from(record!.body, 'base64')).toEqual(Buffer.from(body))
  })

  it('reports a missing bucket as an AwsError', async () => {
    const s3 = await s3Api()
    const put = s3.putObject({body: new Uint8Array([1]), bucket: 'missing-bucket', key: 'k'})
    await expect(put).rejects.toBeInstanceOf(AwsError)
    await expect(put).rejects.toMatchObject({awsCode: 'NoSuchBucket'})
    // HeadObject cannot tell a missing bucket from a missing key (both 404 without a body).
    expect(await s3.objectExists('missing-bucket', 'k')).toBe(false)
  })
})
