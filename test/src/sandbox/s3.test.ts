import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NotFound,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3'

import type {SandboxOptions} from '../../../src/sandbox'
import {findObject} from '../../../src/sandbox/services/s3-model'
import {clientOn, manualSandbox, removeTempStateDirs, REGION} from './clients'

afterAll(removeTempStateDirs)

const BUCKET = 'elasticbeanstalk-eu-west-1-123456789012'

function sandbox(options: Partial<SandboxOptions> = {}) {
  const base = manualSandbox(options)
  return {...base, s3: clientOn(base.handle, S3Client, 's3')}
}

async function bucket(s3: S3Client, name = BUCKET): Promise<void> {
  await s3.send(new CreateBucketCommand({Bucket: name, CreateBucketConfiguration: {LocationConstraint: REGION}}))
}

describe('sandbox S3 buckets', () => {
  it('creates a bucket in the region; a second create is BucketAlreadyOwnedByYou (409)', async () => {
    const {s3} = sandbox()
    const created = await s3.send(new CreateBucketCommand({Bucket: BUCKET, CreateBucketConfiguration: {LocationConstraint: REGION}}))
    expect(created.Location).toBe(`http://${BUCKET}.s3.amazonaws.com/`)
    expect((await s3.send(new HeadBucketCommand({Bucket: BUCKET}))).BucketRegion).toBe(REGION)
    const again = await bucket(s3).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(BucketAlreadyOwnedByYou)
    expect(again).toMatchObject({$metadata: {httpStatusCode: 409}})
  })

  it('takes the client region as LocationConstraint (the SDK fills it in), refuses another one, and checks names', async () => {
    const {s3} = sandbox()
    await s3.send(new CreateBucketCommand({Bucket: 'no-constraint'}))
    await expect(
      s3.send(new CreateBucketCommand({Bucket: 'elsewhere', CreateBucketConfiguration: {LocationConstraint: 'us-west-2'}})),
    ).rejects.toMatchObject({name: 'IllegalLocationConstraintException', $metadata: {httpStatusCode: 400}})
    await expect(s3.send(new CreateBucketCommand({Bucket: 'Bad_Name', CreateBucketConfiguration: {LocationConstraint: REGION}}))).rejects.toMatchObject({
      name: 'InvalidBucketName',
    })
  })

  it('answers HeadBucket on a missing bucket with NotFound (404)', async () => {
    const {s3} = sandbox()
    const error = await s3.send(new HeadBucketCommand({Bucket: 'missing-bucket'})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFound)
    expect(error).toMatchObject({$metadata: {httpStatusCode: 404}})
  })
})

describe('sandbox S3 objects', () => {
  it('puts a Uint8Array end to end (checksum middleware included): ETag = quoted MD5, AES256 by default, body kept', async () => {
    const {s3, stateDir, clock} = sandbox()
    await bucket(s3)
    const body = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])
    const put = await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: 'demo/v1.zip', Body: body, ContentType: 'application/zip'}))
    expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`)
    expect(put.ServerSideEncryption).toBe('AES256')

    const head = await s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'demo/v1.zip'}))
    expect(head).toMatchObject({ContentLength: 7, ETag: put.ETag, ContentType: 'application/zip', ServerSideEncryption: 'AES256'})
    expect(head.LastModified?.getTime()).toBe(Math.floor(clock.now() / 1000) * 1000)

    // What Elastic Beanstalk's simulation reads back through s3-model.
    const state = JSON.parse(readFileSync(join(stateDir, 'sandbox.json'), 'utf8'))
    const record = findObject(state.regions[REGION], BUCKET, 'demo/v1.zip')
    expect(Buffer.from(record!.body, 'base64')).toEqual(Buffer.from(body))
  })

  it('takes a string or Buffer body and aws:kms encryption', async () => {
    const {s3} = sandbox()
    await bucket(s3)
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: 'a.txt', Body: 'hello'}))
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: 'b.bin', Body: Buffer.from('abc'), ServerSideEncryption: 'aws:kms'}))
    expect((await s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'a.txt'}))).ContentLength).toBe(5)
    expect((await s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'b.bin'}))).ServerSideEncryption).toBe('aws:kms')
  })

  it('answers a missing key on HeadObject with NotFound, a missing bucket on PutObject with NoSuchBucket', async () => {
    const {s3} = sandbox()
    await bucket(s3)
    const missing = await s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'nope'})).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(NotFound)
    expect(missing).toMatchObject({name: 'NotFound', $metadata: {httpStatusCode: 404}})
    const noBucket = await s3.send(new PutObjectCommand({Bucket: 'missing-bucket', Key: 'x', Body: 'x'})).catch((e: unknown) => e)
    expect(noBucket).toBeInstanceOf(NoSuchBucket)
    expect(noBucket).toMatchObject({message: 'The specified bucket does not exist', $metadata: {httpStatusCode: 404}})
  })

  it('deletes objects (a missing key is fine)', async () => {
    const {s3} = sandbox()
    await bucket(s3)
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: 'k', Body: 'x'}))
    await s3.send(new DeleteObjectCommand({Bucket: BUCKET, Key: 'k'}))
    await s3.send(new DeleteObjectCommand({Bucket: BUCKET, Key: 'k'}))
    await expect(s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'k'}))).rejects.toMatchObject({name: 'NotFound'})
  })

  it('lists with Prefix, Delimiter and ContinuationToken paging', async () => {
    const {s3} = sandbox()
    await bucket(s3)
    for (const key of ['demo/v1.zip', 'demo/v2.zip', 'demo/old/v0.zip', 'other/x.zip']) {
      await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: key, Body: key}))
    }

    const listed = await s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'demo/', Delimiter: '/'}))
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['demo/v1.zip', 'demo/v2.zip'])
    expect(listed.CommonPrefixes).toEqual([{Prefix: 'demo/old/'}])
    expect(listed).toMatchObject({KeyCount: 3, IsTruncated: false, Name: BUCKET})

    const keys: string[] = []
    for await (const page of paginateListObjectsV2({client: s3, pageSize: 2}, {Bucket: BUCKET})) keys.push(...(page.Contents ?? []).map((o) => o.Key!))
    expect(keys).toEqual(['demo/old/v0.zip', 'demo/v1.zip', 'demo/v2.zip', 'other/x.zip'])
    await expect(s3.send(new ListObjectsV2Command({Bucket: BUCKET, ContinuationToken: 'junk'}))).rejects.toMatchObject({name: 'InvalidArgument'})
    await expect(s3.send(new ListObjectsV2Command({Bucket: 'missing-bucket'}))).rejects.toMatchObject({name: 'NoSuchBucket'})
  })

  it('says GetObject is not simulated', async () => {
    const {s3} = sandbox()
    await expect(s3.send(new GetObjectCommand({Bucket: BUCKET, Key: 'k'}))).rejects.toThrow(/does not simulate S3 GetObject.*s3\.md/)
  })

  it('throttles with SlowDown (503), retried by the SDK; fails with InternalError (500)', async () => {
    const throttled = sandbox({faults: ['throttle:s3:HeadBucket']})
    await bucket(throttled.s3)
    expect((await throttled.s3.send(new HeadBucketCommand({Bucket: BUCKET}))).$metadata.attempts).toBe(2)
    const failing = sandbox({faults: ['fail:s3:ListObjectsV2']})
    await expect(failing.s3.send(new ListObjectsV2Command({Bucket: BUCKET}))).rejects.toMatchObject({
      name: 'InternalError',
      $fault: 'server',
      $metadata: {httpStatusCode: 500},
    })
  })
})
