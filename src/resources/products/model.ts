import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { mergeMetadata } from '../../api/params.js';
import { newId } from '../../api/ids.js';
import { unixNow } from '../../clock.js';
import { ObjectTable } from '../../store/objects.js';
import type { ProductDataParams } from './params.js';
import type { Product } from './shape.js';

/** The `products` table: the object as served, plus `active`. */
export const products = new ObjectTable<Product>('products');

/** Queried columns of a product row. */
export const productColumns = (p: Product) => ({ active: p.active ? 1 : 0 });

/** The product with this id in ctx's account, or undefined (a deleted product is gone). */
export function findProduct(ctx: Ctx, id: string): Promise<Product | undefined> {
  return products.get(ctx.db, ctx.account, id);
}

/** A product of this account; unknown -> 404 naming `param`. `lock` holds its row until the write commits (ObjectTable.getForUpdate). */
export async function requireProduct(ctx: Ctx, id: string, param = 'product', lock = false): Promise<Product> {
  const p = lock ? await products.getForUpdate(ctx.db, ctx.account, id) : await products.get(ctx.db, ctx.account, id);
  if (!p) throw errors.missingResource('product', id, param);
  return p;
}

/** A new Product object from `product_data`-like params (not stored). */
export function buildProduct(ctx: Ctx, p: Partial<ProductDataParams> & { name: string }): Product {
  const now = unixNow(ctx.deps.clock);
  return {
    id: p.id ?? newId('prod_'),
    object: 'product',
    active: p.active ?? true,
    created: now,
    default_price: null,
    description: p.description ?? null,
    images: p.images ?? [],
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata({}, p.metadata),
    name: p.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: p.statement_descriptor ?? null,
    tax_code: p.tax_code ?? null,
    tax_details: null,
    type: 'service',
    unit_label: p.unit_label ?? null,
    updated: now,
    url: null,
  };
}

/** Stores a new product; a caller-chosen id that exists already is refused as Stripe does. */
export async function insertProduct(ctx: Ctx, product: Product, idParam = 'id'): Promise<void> {
  if (await products.row(ctx.db, ctx.account, product.id, ['id'])) {
    throw errors.invalid(`Product already exists.`, idParam, 'resource_already_exists');
  }
  await products.insert(ctx.db, ctx.account, product, productColumns(product));
}
