/** The S3 calls hactl makes: putting the application bundle in EB's storage bucket. */
import {HeadObjectCommand, PutObjectCommand, type S3Client} from '@aws-sdk/client-s3'

import type {ApiContext} from './types'
import {awsCall, hasAwsCode} from './errors'

export interface S3Api {
  /** True if the object exists (HeadObject), false on NotFound/NoSuchKey. */
  objectExists(bucket: string, key: string): Promise<boolean>
  /** Uploads a small object (bundles are a few KB) with server-side encryption (AES256). */
  putObject(input: {bucket: string; key: string; body: Uint8Array; contentType?: string}): Promise<void>
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
