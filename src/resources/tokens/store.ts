/** The `tokens` table (this folder owns it). Other modules call these functions; none names the table. */
import type { Ctx } from '../../api/context.js';
import { ObjectTable } from '../../store/objects.js';
import type { StoredToken } from './shape.js';

export const tokens = new ObjectTable<StoredToken>('tokens');

/** The token with this id in ctx's account, or undefined. */
export function findToken(ctx: Ctx, id: string): Promise<StoredToken | undefined> {
  return tokens.get(ctx.db, ctx.account, id);
}
