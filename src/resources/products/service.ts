import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Filter } from '../../store/objects.js';
import { createDefaultPrice, hasUserCreatedPrices, requirePrice } from '../prices/service.js';
import { buildProduct, insertProduct, productColumns, products, requireProduct } from './model.js';
import { productCreateShape, productListShape, productUpdateShape } from './params.js';
import type { DeletedProduct, Product } from './shape.js';

export { requireProduct };

/** POST /v1/products; `default_price_data` also creates its price and makes it the default. */
export async function createProduct(ctx: Ctx, params: FormObject): Promise<Product> {
  const p = parseParams(productCreateShape, params);
  const product: Product = {
    ...buildProduct(ctx, p),
    marketing_features: p.marketing_features ?? [],
    package_dimensions: p.package_dimensions ?? null,
    shippable: p.shippable ?? null,
    type: p.type ?? 'service',
    url: p.url ?? null,
  };
  await insertProduct(ctx, product);
  if (p.default_price_data !== undefined) {
    product.default_price = (await createDefaultPrice(ctx, product.id, p.default_price_data)).id;
    await products.update(ctx.db, ctx.account, product, productColumns(product));
  }
  await emit(ctx, 'product.created', product, undefined, product.created);
  return product;
}

/** GET /v1/products/:id. */
export async function retrieveProduct(ctx: Ctx, id: string): Promise<Product> {
  return requireProduct(ctx, id, 'id');
}

/** POST /v1/products/:id; `default_price` must be an active price of this product. */
export async function updateProduct(ctx: Ctx, id: string, params: FormObject): Promise<Product> {
  const p = parseParams(productUpdateShape, params);
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await requireProduct(ctx, id, 'id', true);
  const next: Product = { ...current, metadata: mergeMetadata(current.metadata, p.metadata) };
  if (p.active !== undefined) next.active = p.active;
  if (p.name !== undefined) next.name = p.name;
  if (p.description !== undefined) next.description = p.description;
  if (p.images !== undefined) next.images = p.images;
  if (p.marketing_features !== undefined) next.marketing_features = p.marketing_features;
  if (p.package_dimensions !== undefined) next.package_dimensions = p.package_dimensions;
  if (p.shippable !== undefined) next.shippable = p.shippable;
  if (p.statement_descriptor !== undefined) next.statement_descriptor = p.statement_descriptor;
  if (p.tax_code !== undefined) next.tax_code = p.tax_code;
  if (p.unit_label !== undefined) next.unit_label = p.unit_label;
  if (p.url !== undefined) next.url = p.url;
  if (p.default_price !== undefined) {
    const price = await requirePrice(ctx, p.default_price, 'default_price');
    if (price.product !== id) throw errors.invalid(`The price \`${price.id}\` does not belong to this product.`, 'default_price');
    if (!price.active) throw errors.invalid('The default price of a product must be active.', 'default_price');
    next.default_price = price.id;
  }
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return current;
  next.updated = unixNow(ctx.deps.clock);
  await products.update(ctx.db, ctx.account, next, productColumns(next));
  await emit(ctx, 'product.updated', next, { ...prev, updated: current.updated });
  return next;
}

/** DELETE /v1/products/:id: refused while the product has prices of its own (inline ones aside). */
export async function deleteProduct(ctx: Ctx, id: string): Promise<DeletedProduct> {
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await requireProduct(ctx, id, 'id', true);
  if (await hasUserCreatedPrices(ctx, id)) {
    throw errors.invalid('This product cannot be deleted because it has one or more user-created prices.', 'id');
  }
  await products.delete(ctx.db, ctx.account, id);
  await emit(ctx, 'product.deleted', current);
  return { id, object: 'product', deleted: true };
}

/** GET /v1/products: newest first; filters `active`, `ids[]` (up to 100), `created`. */
export async function listProducts(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<Product>> {
  const p = parseParams(productListShape, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.active !== undefined) filter.active = p.active ? 1 : 0;
  if (p.ids !== undefined) filter.id = { in: p.ids };
  return listObject(url, await products.list(ctx.db, ctx.account, filter, page), 'product', page);
}
