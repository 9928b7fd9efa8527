import {createHash} from 'node:crypto'

import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  S3ServiceException,
  type _Object,
  type CommonPrefix,
  type CreateBucketCommandInput,
  type CreateBucketCommandOutput,
  type DeleteObjectCommandInput,
  type DeleteObjectCommandOutput,
  type HeadBucketCommandInput,
  type HeadBucketCommandOutput,
  type HeadObjectCommandInput,
  type HeadObjectCommandOutput,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type PutObjectCommandInput,
  type PutObjectCommandOutput,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3'

import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {paginate} from '../paging'
import {defineService, type OperationContext, type RegionState, type Result} from '../types'
import {s3Slice, type S3BucketRecord, type S3ObjectRecord, type S3State} from './s3-model'

export type {S3State} from './s3-model'


/*
 * The simulated S3: buckets of the region and small objects kept whole in
 * the state file (hactl uploads application bundles of a few KB). The state
 * shape lives in s3-model.ts, which Elastic Beanstalk's simulation shares.
 * Behaviour: s3.md beside this file.
 */

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const ENCRYPTIONS: readonly string[] = ['AES256', 'aws:kms', 'aws:kms:dsse']
/** S3's largest single PUT is 5 GB; the sandbox keeps bodies in its JSON state, so it draws the line far lower. */
const MAX_SANDBOX_OBJECT_BYTES = 50 * 1024 * 1024

function slice(region: RegionState): S3State {
  return s3Slice(region)
}

// ---- errors (AWS's codes and wording) ----------------------------------------------

const STATUS: Readonly<Record<string, number>> = {
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  IllegalLocationConstraintException: 400,
  InternalError: 500,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  KeyTooLongError: 400,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NotFound: 404,
  SlowDown: 503,
}

function s3Error(code: string, message: string): SimError {
  return new SimError(code, message, STATUS[code] ?? 400)
}

function findBucket(state: S3State, name: string | undefined): S3BucketRecord {
  const bucket = state.buckets[name ?? '']
  if (!bucket) throw s3Error('NoSuchBucket', 'The specified bucket does not exist')
  return bucket
}

/** HEAD requests carry no body, so S3's 404 reaches the SDK as a bare `NotFound`. */
function headNotFound(): SimError {
  return s3Error('NotFound', 'Not Found')
}

function checkKey(key: string | undefined): string {
  if (key === undefined || key === '') throw s3Error('InvalidArgument', 'A key must be specified')
  if (Buffer.byteLength(key) > 1024) throw s3Error('KeyTooLongError', 'Your key is too long')
  return key
}

// ---- buckets ------------------------------------------------------------------------

function checkBucketName(name: string): void {
  const ipLike = /^\d+\.\d+\.\d+\.\d+$/.test(name)
  if (!BUCKET_NAME.test(name) || name.includes('..') || ipLike) throw s3Error('InvalidBucketName', 'The specified bucket is not valid.')
}

/**
 * Outside us-east-1 the LocationConstraint must name the client's region
 * (AWS rejects the unspecified constraint there); in us-east-1 it must be absent.
 */
function checkLocation(input: CreateBucketCommandInput, region: string): void {
  const constraint = input.CreateBucketConfiguration?.LocationConstraint
  if (region === 'us-east-1') {
    if (constraint !== undefined && (constraint as string) !== 'us-east-1') {
      throw s3Error('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`)
    }

    return
  }

  if (constraint === undefined) {
    throw s3Error('IllegalLocationConstraintException', 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.')
  }

  if ((constraint as string) !== region) {
    throw s3Error('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`)
  }
}

function createBucket(state: S3State, input: CreateBucketCommandInput, context: OperationContext): Result<CreateBucketCommandOutput> {
  const name = input.Bucket ?? ''
  checkBucketName(name)
  checkLocation(input, context.region)
  const location = context.region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/`
  if (state.buckets[name]) {
    // us-east-1 keeps the legacy answer: creating a bucket you own succeeds.
    if (context.region === 'us-east-1') return {Location: location, BucketArn: `arn:aws:s3:::${name}`}
    throw s3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.')
  }

  state.buckets[name] = {name, createdAt: context.now, objects: {}}
  return {Location: location, BucketArn: `arn:aws:s3:::${name}`}
}

function headBucket(state: S3State, input: HeadBucketCommandInput, context: OperationContext): Result<HeadBucketCommandOutput> {
  if (!state.buckets[input.Bucket ?? '']) throw headNotFound()
  return {BucketRegion: context.region, BucketArn: `arn:aws:s3:::${input.Bucket}`, AccessPointAlias: false}
}

// ---- objects ------------------------------------------------------------------------

/**
 * The body as bytes. At the sandbox's place in the stack `Body` is still what
 * the caller passed (the checksum and content-length middleware read it, they
 * do not replace it). A stream cannot be read by a synchronous handler.
 */
function bodyBytes(body: PutObjectCommandInput['Body']): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new SandboxUnsupportedError('s3', 'PutObject with a streaming Body (pass a Uint8Array, Buffer or string)')
}

function checkEncryption(value: ServerSideEncryption | undefined): string {
  const encryption = value ?? 'AES256'
  if (!ENCRYPTIONS.includes(encryption)) throw s3Error('InvalidArgument', 'The encryption method specified is not supported')
  return encryption
}

function putObject(state: S3State, input: PutObjectCommandInput, context: OperationContext): Result<PutObjectCommandOutput> {
  const bucket = findBucket(state, input.Bucket)
  const key = checkKey(input.Key)
  const bytes = bodyBytes(input.Body)
  if (bytes.length > MAX_SANDBOX_OBJECT_BYTES) {
    throw new SandboxUnsupportedError('s3', `PutObject of more than ${MAX_SANDBOX_OBJECT_BYTES} bytes`)
  }

  const record: S3ObjectRecord = {
    key,
    size: bytes.length,
    etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
    body: bytes.toString('base64'),
    contentType: input.ContentType,
    serverSideEncryption: checkEncryption(input.ServerSideEncryption),
    lastModified: context.now,
  }
  bucket.objects[key] = record
  return {ETag: record.etag, ServerSideEncryption: record.serverSideEncryption as ServerSideEncryption}
}

/** S3 keeps Last-Modified to the second (an HTTP date). */
function lastModified(record: S3ObjectRecord): Date {
  return new Date(Math.floor(record.lastModified / 1000) * 1000)
}

function headObject(state: S3State, input: HeadObjectCommandInput): Result<HeadObjectCommandOutput> {
  const record = state.buckets[input.Bucket ?? '']?.objects[checkKey(input.Key)]
  if (!record) throw headNotFound()
  return {
    AcceptRanges: 'bytes',
    LastModified: lastModified(record),
    ContentLength: record.size,
    ETag: record.etag,
    // S3's default when the upload named none.
    ContentType: record.contentType ?? 'binary/octet-stream',
    ServerSideEncryption: record.serverSideEncryption as ServerSideEncryption,
    Metadata: {},
  }
}

function deleteObject(state: S3State, input: DeleteObjectCommandInput): Result<DeleteObjectCommandOutput> {
  const bucket = findBucket(state, input.Bucket)
  // Deleting a key that is not there succeeds (204), as in an unversioned bucket.
  delete bucket.objects[checkKey(input.Key)]
  return {}
}

type Listed = {readonly kind: 'object'; readonly record: S3ObjectRecord} | {readonly kind: 'prefix'; readonly prefix: string}

/** Keys under the prefix in UTF-8 binary order, those past the delimiter rolled up into common prefixes. */
function listing(bucket: S3BucketRecord, prefix: string, delimiter: string | undefined, startAfter: string | undefined): Listed[] {
  const keys = Object.keys(bucket.objects)
    .filter((key) => key.startsWith(prefix) && (startAfter === undefined || Buffer.compare(Buffer.from(key), Buffer.from(startAfter)) > 0))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  const entries: Listed[] = []
  const seen = new Set<string>()
  for (const key of keys) {
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1
    if (delimiter && at >= 0) {
      const common = key.slice(0, at + delimiter.length)
      if (!seen.has(common)) entries.push({kind: 'prefix', prefix: common})
      seen.add(common)
    } else {
      entries.push({kind: 'object', record: bucket.objects[key]})
    }
  }

  return entries
}

function toObject(record: S3ObjectRecord): _Object {
  return {Key: record.key, LastModified: lastModified(record), ETag: record.etag, Size: record.size, StorageClass: 'STANDARD'}
}

function listObjectsV2(state: S3State, input: ListObjectsV2CommandInput): Result<ListObjectsV2CommandOutput> {
  const bucket = findBucket(state, input.Bucket)
  const maxKeys = input.MaxKeys ?? 1000
  if (maxKeys < 0) throw s3Error('InvalidArgument', 'max-keys cannot be negative')
  const prefix = input.Prefix ?? ''
  const entries = listing(bucket, prefix, input.Delimiter, input.StartAfter)
  const page = paginate(entries, {
    maxResults: Math.min(maxKeys, 1000),
    nextToken: input.ContinuationToken,
    defaultSize: 1000,
    badToken: () => s3Error('InvalidArgument', 'The continuation token provided is incorrect'),
  })
  const contents = page.items.flatMap((entry) => (entry.kind === 'object' ? [toObject(entry.record)] : []))
  const prefixes: CommonPrefix[] = page.items.flatMap((entry) => (entry.kind === 'prefix' ? [{Prefix: entry.prefix}] : []))
  return {
    IsTruncated: page.nextToken !== undefined,
    Contents: contents.length > 0 ? contents : undefined,
    CommonPrefixes: prefixes.length > 0 ? prefixes : undefined,
    Name: bucket.name,
    Prefix: prefix,
    Delimiter: input.Delimiter,
    MaxKeys: maxKeys,
    KeyCount: page.items.length,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: page.nextToken,
    StartAfter: input.StartAfter,
  }
}

// ---- exceptions -----------------------------------------------------------

/** Modelled codes as their SDK classes; the rest (`InvalidBucketName`, `SlowDown`, …) as S3ServiceException named by the code. */
const toException = modeledExceptions({BucketAlreadyExists, BucketAlreadyOwnedByYou, NoSuchBucket, NoSuchKey, NotFound}, S3ServiceException, 'rest-xml', {status: STATUS})

export const s3 = defineService<S3State>({
  name: 's3',
  throttleError: {code: 'SlowDown', message: 'Please reduce your request rate.', status: 503},
  internalError: {code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500},
  slice,
  operations: {
    CreateBucket: createBucket,
    DeleteObject: deleteObject,
    HeadBucket: headBucket,
    HeadObject: headObject,
    ListObjectsV2: listObjectsV2,
    PutObject: putObject,
  },
  toException,
})
