/**
 * The S3 state, shared by the S3 simulation and by Elastic Beanstalk's
 * (CreateStorageLocation makes EB's bucket; CreateApplicationVersion reads
 * the bundle from it). Kept apart from the handlers so EB need not load S3's.
 */
export interface S3ObjectRecord {
  readonly key: string
  readonly size: number
  /** Quoted hex MD5, as S3 returns it for a single-part upload. */
  readonly etag: string
  /** Base64 of the body: hactl only stores small bundles. */
  readonly body: string
  readonly contentType?: string
  /** `AES256` or `aws:kms`: S3 encrypts every new object (SSE-S3 by default since 2023). */
  readonly serverSideEncryption: string
  readonly lastModified: number
}

export interface S3BucketRecord {
  readonly name: string
  readonly createdAt: number
  readonly objects: Record<string, S3ObjectRecord>
}

export interface S3State {
  buckets: Record<string, S3BucketRecord>
}

export function s3Slice(region: {s3?: S3State}): S3State {
  region.s3 ??= {buckets: {}}
  return region.s3
}

/** Creates the bucket if missing (what EB's CreateStorageLocation does) and returns it. */
export function ensureBucket(region: {s3?: S3State}, name: string, now: number): S3BucketRecord {
  const state = s3Slice(region)
  state.buckets[name] ??= {createdAt: now, name, objects: {}}
  return state.buckets[name]
}

export function findObject(region: {s3?: S3State}, bucket: string, key: string): S3ObjectRecord | undefined {
  return region.s3?.buckets[bucket]?.objects[key]
}
