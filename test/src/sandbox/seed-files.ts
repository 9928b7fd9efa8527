/**
 * A seed launched by hand on the sandbox (raw RunInstances): what `hactl seed
 * create` does first, the seed's files payload put in EB's storage bucket,
 * and the user data that pins it.
 */
import {CreateStorageLocationCommand, ElasticBeanstalkClient} from '@aws-sdk/client-elastic-beanstalk'
import {PutObjectCommand, S3Client} from '@aws-sdk/client-s3'

import {SANDBOX_ACCOUNT, type SandboxHandle} from '../../../src/sandbox'
import {bootUserData, seedPayloadObject, type BootScriptOptions} from '../../../src/seed/boot-script'
import {clientOn} from './clients'

/** EB's storage bucket in the sandbox (CreateStorageLocation's answer). */
export const sandboxStorageBucket = (region: string): string => `elasticbeanstalk-${region}-${SANDBOX_ACCOUNT}`

/** The gzipped user data for `options`, as RunInstances takes it (base64). */
export function seedUserData(options: BootScriptOptions): string {
  return bootUserData(options, sandboxStorageBucket(options.region)).toString('base64')
}

/** Puts the payload `seedUserData(options)` pins into the sandbox's EB bucket (made if missing). */
export async function putSeedFiles(handle: SandboxHandle, options: BootScriptOptions): Promise<void> {
  const eb = clientOn(handle, ElasticBeanstalkClient, 'elasticbeanstalk', {region: options.region})
  const s3 = clientOn(handle, S3Client, 's3', {region: options.region})
  const {S3Bucket} = await eb.send(new CreateStorageLocationCommand({}))
  const payload = seedPayloadObject(options)
  await s3.send(new PutObjectCommand({Body: payload.body, Bucket: S3Bucket, ContentType: 'application/gzip', Key: payload.key}))
}
