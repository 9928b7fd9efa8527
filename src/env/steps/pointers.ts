/**
 * What the seed's boot script (src/seed/) reads to find the site: the app's
 * own DB secret and the pointer parameter `/hactl/<site>/site`.
 *
 *   database, cache, efs, access point ─┐
 *   app DB secret (generated) ──────────┴─► pointers (SSM String, JSON) ─► instance policy
 *
 * The app never gets the RDS-managed master password, which RDS rotates
 * every 7 days (AWS-NOTES-2 A.1 row 1): the seed makes the app's own user
 * from this secret (src/seed/db-user.ts), and the config renders it
 * (src/seed/render-config.ts).
 */
import {defineStep, type Step} from '../../core/steps'
import {sitePointers, tagsFor} from '../spec'
import type {EnvStepOptions} from './context'
import {ensureGeneratedSecret} from './generated-secret'
import type {RefSteps} from './refs'

/** The password's length: MySQL and Postgres take far longer ones; 40 alphanumerics are ~238 bits. */
const APP_PASSWORD_LENGTH = 40

/**
 * The app's DB user and password, as `{"username", "password"}` (the shape
 * render-config.ts and db-user.ts read). Secrets Manager generates the
 * password; hactl holds it in memory only long enough to wrap it in JSON.
 * A live secret is used as it is, so a re-run never changes the password.
 */
export function appDbSecretStep(options: EnvStepOptions): Step<string> {
  const {config, names} = options
  return defineStep({
    describe: () => names.appDbSecret,
    id: 'env/app-db-secret',
    run: () =>
      ensureGeneratedSecret(options, {
        clientRequestToken: names.appDbSecretToken,
        description: `hactl ${config.site}: the app's own database user (not rotated by RDS)`,
        // No punctuation: the value goes through SQL string literals and PHP config, where quoting mistakes hide.
        excludePunctuation: true,
        format: (password) => JSON.stringify({password, username: names.appDbUser}),
        length: APP_PASSWORD_LENGTH,
        name: names.appDbSecret,
        tags: tagsFor(config, 'db'),
      }),
    title: 'App DB user secret (Secrets Manager)',
  })
}

/**
 * Writes `/hactl/<site>/site` when it is missing or says something else
 * (a new endpoint after a restore); an equal value is left alone, so a
 * re-run writes nothing.
 */
export function pointersStep(options: EnvStepOptions, needs: Omit<RefSteps, 'groups' | 'network'> & {appDbSecret: Step<string>}): Step<string> {
  const {clients, config, names, note} = options
  return defineStep({
    describe: () => names.pointerParameter,
    id: 'env/pointers',
    needs,
    async run(inputs) {
      const value = JSON.stringify(
        sitePointers(config, {
          accessPointId: inputs.accessPoint.accessPointId,
          appDbSecretArn: inputs.appDbSecret,
          cache: inputs.cache,
          db: inputs.database,
          efsId: inputs.efs.efsId,
        }),
      )
      const ssm = await clients.ssm()
      const current = await ssm.getParameter(names.pointerParameter)
      if (current?.value === value) {
        note('SSM parameter', names.pointerParameter, names.pointerParameter, 'found')
        return names.pointerParameter
      }

      await ssm.putParameter({
        description: `hactl ${config.site}: where the site's database, cache, uploads and secrets are (no secret)`,
        name: names.pointerParameter,
        overwrite: true,
        type: 'String',
        value,
      })
      note('SSM parameter', names.pointerParameter, names.pointerParameter, current ? 'updated' : 'created')
      return names.pointerParameter
    },
    title: `Site pointers ${names.pointerParameter}`,
  })
}
