/**
 * The seed's files payloads in EB's storage bucket (`hactl/<site>/seed/files-<hash>.sh.gz`).
 * A seed reads its payload once, at first boot, so a payload no seed is
 * about to boot from is no one's: `seed create` removes the older ones when
 * it uploads a new one, `seed destroy` removes them all.
 *
 * The bucket is EB's per-Region storage bucket, `elasticbeanstalk-<region>-<account>`
 * (what CreateStorageLocation returns; EBDG "Using Elastic Beanstalk with Amazon S3").
 */
import type {S3Api} from '../aws/s3'

export function ebStorageBucket(region: string, account: string): string {
  return `elasticbeanstalk-${region}-${account}`
}

/** Deletes every payload under the prefix except `keep`; returns the keys deleted. */
export async function removeSeedPayloads(s3: S3Api, bucket: string, prefix: string, keep?: string): Promise<string[]> {
  const stale = (await s3.listKeys(bucket, prefix)).filter((key) => key !== keep)
  await Promise.all(stale.map(async (key) => s3.deleteObject(bucket, key)))
  return stale
}
