import { errors } from '../../api/errors.js';
import type { FormValue } from '../../api/form.js';
import { listParams } from '../../api/list.js';
import {
  arr,
  bool,
  metadata,
  nullableObj,
  nullableStr,
  obj,
  oneOf,
  required,
  str,
  type Field,
  type InferShape,
} from '../../api/params.js';

/** A positive decimal number (package dimensions are in inches and ounces, with decimals). */
function decimal(): Field<number | undefined> {
  return {
    parse(value, param) {
      const s = str({ max: 30 }).parse(value, param);
      if (s === undefined) return undefined;
      if (!/^\d{1,12}(\.\d{1,6})?$/.test(s)) throw errors.invalid(`Invalid decimal: ${s}`, param, 'parameter_invalid_decimal');
      return Number(s);
    },
  };
}

const packageDimensions = () =>
  nullableObj({ height: required(decimal()), length: required(decimal()), weight: required(decimal()), width: required(decimal()) });

const images = () => arr(str({ max: 2048 }), { max: 8 });
const marketingFeatures = () => arr(obj({ name: required(str({ max: 80 })) }), { max: 15 });
const ID = /^[A-Za-z0-9_\-.:]+$/;

/**
 * `product_data` when creating a price inline (Prices API and Checkout's `price_data`): the
 * fields of both Stripe shapes.
 */
export const productDataShape = {
  name: required(str({ max: 5000 })),
  active: bool(),
  id: str({ max: 255, pattern: ID, patternMessage: 'Invalid id: product ids may contain letters, digits, `_`, `-`, `.` and `:`' }),
  description: str({ max: 40000 }),
  images: images(),
  metadata: metadata(),
  statement_descriptor: str({ max: 22 }),
  tax_code: str({ max: 5000 }),
  unit_label: str({ max: 12 }),
};
export type ProductDataParams = InferShape<typeof productDataShape>;

export const productCreateShape = {
  ...productDataShape,
  marketing_features: marketingFeatures(),
  package_dimensions: packageDimensions(),
  shippable: bool(),
  type: oneOf(['good', 'service']),
  url: str({ max: 2048 }),
  // Validated by the price service, which owns price params: currencyParam() for its currency,
  // checkUnitAmount for its amount (src/money/currencies.ts).
  default_price_data: { parse: (value) => value } satisfies Field<FormValue | undefined>,
};

export const productUpdateShape = {
  active: bool(),
  default_price: str({ max: 5000 }),
  description: nullableStr({ max: 40000 }),
  images: images(),
  marketing_features: marketingFeatures(),
  metadata: metadata(),
  name: str({ max: 5000 }),
  package_dimensions: packageDimensions(),
  shippable: bool(),
  statement_descriptor: str({ max: 22 }),
  tax_code: nullableStr({ max: 5000 }),
  unit_label: nullableStr({ max: 12 }),
  url: nullableStr({ max: 2048 }),
};

export const productListShape = {
  ...listParams,
  active: bool(),
  ids: arr(str({ max: 5000 }), { max: 100 }),
};
