import type {SecretsApi} from '../../aws/secrets'
import type {EnvStepOptions} from './context'

/**
 * A Secrets Manager secret whose value Secrets Manager generates, found or
 * created; its ARN. A live secret is used as it is (a fresh password would
 * only be generated to be thrown away, and a re-run must never change it);
 * one scheduled for deletion counts as absent.
 */
export async function ensureGeneratedSecret(
  {clients, note}: Pick<EnvStepOptions, 'clients' | 'note'>,
  input: Parameters<SecretsApi['createGeneratedSecret']>[0],
): Promise<string> {
  const secrets = await clients.secrets()
  const found = await secrets.describeSecret(input.name)
  const live = found && !found.deletedDate ? found.arn : undefined
  const arn = live ?? (await secrets.createGeneratedSecret(input))
  note('secret', input.name, arn, live ? 'found' : 'created')
  return arn
}
