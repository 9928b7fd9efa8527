/**
 * The S3 calls hactl makes in EB's storage bucket: the application bundle,
 * and the seed's files payload (put once per content, removed when no seed
 * needs it any more).
 */
import {DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client} from '@aws-sdk/client-s3'

import type {ApiContext} from './types'
import {awsCall, hasAwsCode} from './errors'

export interface S3Api {
  /** True if the object exists (HeadObject), false on NotFound/NoSuchKey. */
  objectExists(bucket: string, key: string): Promise<boolean>
  /** Uploads a small object (bundles are a few KB) with server-side encryption (AES256). */
  putObject(input: {bucket: string; key: string; body: Uint8Array; contentType?: string}): Promise<void>
  /** Every key under the prefix, all pages; empty when the bucket does not exist. */
  listKeys(bucket: string, prefix: string): Promise<string[]>
  /** Deletes one object (a missing key is no error in an unversioned bucket). */
  deleteObject(bucket: string, key: string): Promise<void>
}

export function createS3Api(client: S3Client, _context: ApiContext): S3Api {
  return {
    async objectExists(bucket, key) {
      try {
        await client.send(new HeadObjectCommand({Bucket: bucket, Key: key}))
        return true
      } catch (error) {
        // A HEAD answer has no body, so S3's 404 reaches the SDK as NotFound; NoSuchKey is what a GET would say.
        if (hasAwsCode(error, 'NotFound', 'NoSuchKey')) return false
        return awsCall('s3:HeadObject', () => Promise.reject(error))
      }
    },

    async listKeys(bucket, prefix) {
      const keys: string[] = []
      try {
        for await (const page of paginateListObjectsV2({client}, {Bucket: bucket, Prefix: prefix})) {
          for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key)
        }
      } catch (error) {
        if (hasAwsCode(error, 'NoSuchBucket')) return []
        return awsCall('s3:ListObjectsV2', () => Promise.reject(error))
      }
      return keys
    },

    async deleteObject(bucket, key) {
      await awsCall('s3:DeleteObject', () => client.send(new DeleteObjectCommand({Bucket: bucket, Key: key})))
    },

    async putObject(input) {
      await awsCall('s3:PutObject', () =>
        client.send(
          new PutObjectCommand({
            Body: input.body,
            Bucket: input.bucket,
            ContentType: input.contentType,
            Key: input.key,
            ServerSideEncryption: 'AES256',
          }),
        ),
      )
    },
  }
}
