/**
 * The cart the buyer changes in the summary (docs/decisions.md#quantities-the-buyer-changes): a
 * quantity field under each line with `adjustable_quantity` enabled, and the `optional_items` to
 * add. Plain form buttons (`update_quantity`, `add_optional_item:<n>`), so they work without the
 * script; a changed quantity posted with Pay is applied first and the page shown again.
 */
import type { PageAdjustment } from '../../checkout/adjust.js';
import type { LineItem } from '../../resources/checkout-sessions/shape.js';
import { quantityBounds } from '../../resources/checkout-sessions/quantities.js';
import { esc } from '../escape.js';
import type { FormError } from '../form.js';
import { fill, textOf, type Catalog, type PageLocale } from '../i18n.js';
import type { PageView } from '../load.js';
import { formatAmount } from '../money.js';

const TEXT: Catalog<'quantity' | 'update' | 'add' | 'also' | 'range' | 'enter' | 'keep_one' | 'unavailable'> = {
  en: { quantity: 'Qty', update: 'Update', add: 'Add', also: 'Add to your order', range: 'Choose a quantity from {min} to {max}.', enter: 'Enter a quantity.', keep_one: 'Keep at least one item in your order.', unavailable: 'This item can no longer be added.' },
  ja: { quantity: '数量', update: '更新', add: '追加', also: 'ご一緒にいかがですか', range: '数量は{min}〜{max}の範囲で指定してください。', enter: '数量を入力してください。', keep_one: 'ご注文には少なくとも1点の商品を残してください。', unavailable: 'この商品は追加できなくなりました。' },
  fr: { quantity: 'Qté', update: 'Mettre à jour', add: 'Ajouter', also: 'Ajouter à votre commande', range: 'Choisissez une quantité entre {min} et {max}.', enter: 'Saisissez une quantité.', keep_one: 'Gardez au moins un article dans votre commande.', unavailable: 'Cet article ne peut plus être ajouté.' },
  de: { quantity: 'Menge', update: 'Aktualisieren', add: 'Hinzufügen', also: 'Zur Bestellung hinzufügen', range: 'Wählen Sie eine Menge von {min} bis {max}.', enter: 'Geben Sie eine Menge ein.', keep_one: 'Ihre Bestellung muss mindestens einen Artikel enthalten.', unavailable: 'Dieser Artikel kann nicht mehr hinzugefügt werden.' },
  es: { quantity: 'Cant.', update: 'Actualizar', add: 'Añadir', also: 'Añadir a tu pedido', range: 'Elige una cantidad entre {min} y {max}.', enter: 'Introduce una cantidad.', keep_one: 'Tu pedido debe contener al menos un artículo.', unavailable: 'Este artículo ya no se puede añadir.' },
  it: { quantity: 'Qtà', update: 'Aggiorna', add: 'Aggiungi', also: 'Aggiungi al tuo ordine', range: 'Scegli una quantità da {min} a {max}.', enter: 'Inserisci una quantità.', keep_one: 'Il tuo ordine deve contenere almeno un articolo.', unavailable: 'Questo articolo non può più essere aggiunto.' },
  nl: { quantity: 'Aantal', update: 'Bijwerken', add: 'Toevoegen', also: 'Toevoegen aan je bestelling', range: 'Kies een aantal van {min} tot {max}.', enter: 'Vul een aantal in.', keep_one: 'Je bestelling moet minstens één artikel bevatten.', unavailable: 'Dit artikel kan niet meer worden toegevoegd.' },
  pt: { quantity: 'Qtd.', update: 'Atualizar', add: 'Adicionar', also: 'Adicionar ao pedido', range: 'Escolha uma quantidade de {min} a {max}.', enter: 'Informe uma quantidade.', keep_one: 'Seu pedido deve ter pelo menos um item.', unavailable: 'Este item não pode mais ser adicionado.' },
  zh: { quantity: '数量', update: '更新', add: '添加', also: '添加到您的订单', range: '请选择 {min} 到 {max} 之间的数量。', enter: '请输入数量。', keep_one: '订单中至少需要保留一件商品。', unavailable: '此商品已无法添加。' },
  ko: { quantity: '수량', update: '업데이트', add: '추가', also: '주문에 추가', range: '{min}~{max} 사이의 수량을 선택하세요.', enter: '수량을 입력하세요.', keep_one: '주문에 상품을 하나 이상 남겨 두세요.', unavailable: '이 상품은 더 이상 추가할 수 없습니다.' },
};

const UPDATE = 'update_quantity';
const ADD = 'add_optional_item:';

/** The posted name (and element id) of a line's quantity. */
const quantityName = (item: LineItem): string => `quantity_${item.id}`;

/** Whether the buyer may change this line's quantity on the page. */
export function isAdjustable(item: LineItem): boolean {
  return quantityBounds(item.adjustable_quantity) !== null;
}

/** The quantity field of an adjustable line, under its name in the summary; '' for a fixed one. */
export function quantityHtml(item: LineItem, locale: PageLocale): string {
  const bounds = quantityBounds(item.adjustable_quantity);
  if (!bounds) return '';
  const t = textOf(TEXT, locale);
  const name = quantityName(item);
  return (
    `<div class="qty" data-testid="adjustable-quantity"><label for="${esc(name)}">${esc(t.quantity)}</label>` +
    `<input class="in qty-in" type="number" id="${esc(name)}" name="${esc(name)}" form="payment-form" value="${item.quantity}" min="${bounds.min}" max="${bounds.max}" step="1" inputmode="numeric">` +
    `<button class="promo-apply" type="submit" form="payment-form" name="action" value="${UPDATE}" data-testid="quantity-update">${esc(t.update)}</button></div>`
  );
}

/** The optional items not added yet, under the lines; '' when none is left. */
export function optionalItemsHtml(view: PageView): string {
  const offers = (view.session._internal?.optional_items ?? []).map((o, i) => ({ o, i })).filter(({ o }) => !o.added);
  if (offers.length === 0) return '';
  const t = textOf(TEXT, view.locale);
  const rows = offers
    .map(({ o, i }) => {
      const price = o.price as { unit_amount: number; currency: string };
      const name = o.name ?? '';
      return (
        `<li class="item optional-item" data-testid="optional-item"><div class="thumb" aria-hidden="true">${esc(name.trim().charAt(0).toUpperCase() || '·')}</div>` +
        `<div class="item-main"><div class="item-name">${esc(name)}</div><div class="item-meta">${esc(formatAmount(price.unit_amount, price.currency, view.locale))}</div></div>` +
        `<button class="promo-apply" type="submit" form="payment-form" name="action" value="${ADD}${i}" data-testid="optional-item-add">${esc(t.add)}</button></li>`
      );
    })
    .join('');
  return `<div class="optional-items"><p class="optional-title">${esc(t.also)}</p><ul class="items">${rows}</ul></div>`;
}

/** The quantities posted for adjustable lines (id -> quantity), or the first one out of bounds. */
function readQuantities(body: URLSearchParams, view: PageView): { quantities: Record<string, number> } | { error: FormError } {
  const t = textOf(TEXT, view.locale);
  const out: Record<string, number> = {};
  for (const item of view.lineItems) {
    const bounds = quantityBounds(item.adjustable_quantity);
    const raw = body.get(quantityName(item));
    if (!bounds || raw === null) continue;
    const field = quantityName(item);
    const s = raw.trim();
    if (s === '') return { error: { code: 'quantity_invalid', field, message: t.enter } };
    const n = /^\d{1,6}$/.test(s) ? Number(s) : NaN;
    if (!(n >= bounds.min && n <= bounds.max)) return { error: { code: 'quantity_invalid', field, message: fill(t.range, { min: bounds.min, max: bounds.max }) } };
    out[item.id] = n;
  }
  return { quantities: out };
}

/** Whether `action` is one of this section's. */
export function isItemsAction(action: string): boolean {
  return action === UPDATE || action.startsWith(ADD);
}

/** The change an items action asks for, or the error to show. */
export function itemsChange(body: URLSearchParams, action: string, view: PageView): PageAdjustment | FormError {
  if (action.startsWith(ADD)) {
    const index = /^\d{1,2}$/.test(action.slice(ADD.length)) ? Number(action.slice(ADD.length)) : -1;
    const offer = view.session._internal?.optional_items?.[index];
    if (!offer || offer.added) return { code: 'optional_item_unavailable', message: textOf(TEXT, view.locale).unavailable };
    return { kind: 'add_optional_item', index };
  }
  const q = readQuantities(body, view);
  if ('error' in q) return q.error;
  if (view.lineItems.every((li) => (q.quantities[li.id] ?? li.quantity) === 0)) {
    return { code: 'quantity_invalid', field: quantityName(view.lineItems[0] as LineItem), message: textOf(TEXT, view.locale).keep_one };
  }
  return { kind: 'set_quantities', quantities: q.quantities };
}

/**
 * The action a post really asks: Pay with a quantity changed but not yet applied (no script, the
 * buyer typed and pressed Pay) updates the cart first, so nothing is charged the buyer did not see.
 */
export function pendingAction(body: URLSearchParams, view: PageView, action: string): string {
  if (action !== 'pay') return action;
  const q = readQuantities(body, view);
  if ('error' in q) return UPDATE;
  return view.lineItems.some((li) => q.quantities[li.id] !== undefined && q.quantities[li.id] !== li.quantity) ? UPDATE : action;
}
