/**
 * `OPENCHECKOUT_FIXTURES` (docs/decisions.md#fixtures): the server runs a Stripe CLI fixtures file
 * through its own API once it listens, once per account and file content.
 */
import { accountForKey } from '../api/auth.js';
import type { Deps } from '../api/context.js';
import { readSetting, writeSetting } from '../store/db.js';
import { loadFixturesAtStart } from './fixtures.js';

export async function runStartupFixtures(deps: Deps, apiBase: string): Promise<void> {
  const { fixtures, fixturesApiKey } = deps.config;
  if (!fixtures) return;
  if (!fixturesApiKey) throw new Error('OPENCHECKOUT_FIXTURES needs a secret key: set OPENCHECKOUT_FIXTURES_API_KEY (or STRIPE_API_KEY, or OPENCHECKOUT_API_KEYS).');
  const account = accountForKey(fixturesApiKey);
  const mark = (digest: string) => `fixtures:${account}:${digest}`;
  const result = await loadFixturesAtStart({
    file: fixtures,
    apiBase,
    apiKey: fixturesApiKey,
    alreadyRan: async (digest) => (await readSetting(deps.store.db, mark(digest))) !== undefined,
    markRan: (digest) => writeSetting(deps.store.db, mark(digest), new Date(deps.clock.now()).toISOString()),
    out: (line) => deps.log.debug({ fixtures }, line),
  });
  deps.log.info({ fixtures, account, result }, result === 'ran' ? 'fixtures loaded' : 'fixtures already loaded for this account');
}
