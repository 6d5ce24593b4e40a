import { accountForKey } from '../../src/api/auth.js';
import type { TestServer } from './server.js';

export interface StoredEvent {
  type: string;
  data: { object: { id: string; [k: string]: unknown }; previous_attributes?: Record<string, unknown> };
}

/** The Events an account's requests wrote, oldest first (read from the store, where they are written). */
export async function eventsOf(server: TestServer, key: string, objectId?: string): Promise<StoredEvent[]> {
  const rows = await server.app.deps.store.db
    .selectFrom('events')
    .select('data')
    .where('account_id', '=', accountForKey(key))
    .orderBy('seq', 'asc')
    .execute();
  const events = rows.map((r) => JSON.parse(r.data) as StoredEvent);
  return objectId === undefined ? events : events.filter((e) => e.data.object.id === objectId);
}
