import type {S3Api} from '../../../src/aws/s3'
import {ebStorageBucket, removeSeedPayloads} from '../../../src/seed/payload-store'

function bucketWith(keys: string[]): {s3: S3Api; keys: Set<string>} {
  const stored = new Set(keys)
  const s3: S3Api = {
    async deleteObject(_bucket, key) {
      stored.delete(key)
    },
    async listKeys(_bucket, prefix) {
      return [...stored].filter((key) => key.startsWith(prefix))
    },
    async objectExists(_bucket, key) {
      return stored.has(key)
    },
    async putObject(input) {
      stored.add(input.key)
    },
  }
  return {keys: stored, s3}
}

describe('the seed files payloads in EB\'s bucket', () => {
  const prefix = 'hactl/demo/seed/files-'

  it('removes older payloads of the site and keeps the one a seed is about to boot from', async () => {
    const {keys, s3} = bucketWith([`${prefix}aaaa.sh.gz`, `${prefix}bbbb.sh.gz`, 'hactl/other/seed/files-cccc.sh.gz', 'demo-bundle.zip'])
    expect(await removeSeedPayloads(s3, 'b', prefix, `${prefix}bbbb.sh.gz`)).toEqual([`${prefix}aaaa.sh.gz`])
    expect([...keys].sort()).toEqual(['demo-bundle.zip', `${prefix}bbbb.sh.gz`, 'hactl/other/seed/files-cccc.sh.gz'])
  })

  it('removes them all when no key is kept (seed destroy), and is a no-op the second time', async () => {
    const {keys, s3} = bucketWith([`${prefix}aaaa.sh.gz`])
    expect(await removeSeedPayloads(s3, 'b', prefix)).toEqual([`${prefix}aaaa.sh.gz`])
    expect(await removeSeedPayloads(s3, 'b', prefix)).toEqual([])
    expect(keys.size).toBe(0)
  })

  it('names EB\'s storage bucket as CreateStorageLocation does', () => {
    expect(ebStorageBucket('eu-west-1', '123456789012')).toBe('elasticbeanstalk-eu-west-1-123456789012')
  })
})
