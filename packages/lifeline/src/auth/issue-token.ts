/**
 * Making a new API token end to end: a fresh secret and id, the hash stored, the secret handed back once. Used
 * by `lifeline token create` (which writes to the daemon's store directly, so the first admin token can exist
 * before anyone can call the API) and by tests.
 */
import type { Store, StoreCallOptions } from '../store/store.js';
import type { ApiToken, Role } from './auth-records.js';
import { generateTokenId, generateTokenSecret } from './tokens.js';

export interface IssuedToken {
  /** The secret: show it once; it cannot be recovered from the store. */
  token: string;
  record: ApiToken;
}

/**
 * @example
 * const { token, record } = await issueToken(store, { name: 'alice', role: 'responder', now: Date.now() });
 */
export async function issueToken(
  store: Pick<Store, 'createApiToken'>,
  input: { name: string; role: Role; now: number },
  options?: StoreCallOptions,
): Promise<IssuedToken> {
  const { token, hash } = generateTokenSecret();
  const record: ApiToken = {
    id: generateTokenId(),
    name: input.name,
    role: input.role,
    createdAt: input.now,
  };
  await store.createApiToken({ ...record, hash }, options);
  return { token, record };
}
