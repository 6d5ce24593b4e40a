/**
 * `GET /v3/` (and `/v3`): a Stripe.js compatible script for front ends (docs/decisions.md#embedded-checkout).
 * A merchant page that loads `https://js.stripe.com/v3/` runs unchanged when the browser routes
 * that URL here (src/testing/playwright.ts does it for Playwright), or it loads this one directly.
 * It offers `Stripe(pk)`, `redirectToCheckout({ sessionId })` (to the hosted page),
 * `initEmbeddedCheckout(...)` / `createEmbeddedCheckoutPage(...)`, whose form is the hosted page's,
 * in a frame of this server (`/c/embed/:id`, embed.ts), and the Checkout Elements SDK
 * (`initCheckoutElementsSdk`, `initCheckout`) whose Payment Element is the hosted page's payment
 * fields in a frame (`/c/element/:id`, element.ts). No dependency, no build step: the browser runs
 * it as written.
 */
import { createHash } from 'node:crypto';
import type { Deps } from '../api/context.js';
import type { PathHandler } from '../api/server.js';
import { pathOf } from './route.js';

const PATH = /^\/v3\/?$/;
const HOST = /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
/** Cached for a week: the script changes only with OpenCheckout's version. */
const CACHE = 'public, max-age=604800';

/**
 * The script. `__OC_BASE__` is this server's address as the request named it: a routed script's
 * `src` is js.stripe.com's, so it cannot find the server from its own address then. Loaded
 * directly, the origin of its `src` wins.
 */
const SCRIPT = `(function(){
'use strict';
if (window.Stripe && window.Stripe.opencheckout) return;
var BASE = __OC_BASE__;
var me = document.currentScript;
if (me && me.src) { try { var o = new URL(me.src, location.href).origin; if (o !== 'https://js.stripe.com') BASE = o; } catch (e) {} }
var ORIGIN = new URL(BASE).origin;
var embedded = null;

function IntegrationError(message) { var e = new Error(message); e.name = 'IntegrationError'; return e; }

function Stripe(key, options) {
  if (!(this instanceof Stripe)) return new Stripe(key, options);
  if (typeof key !== 'string' || key === '') throw IntegrationError('Invalid value for Stripe(): apiKey should be a string. You specified: ' + key + '.');
  if (/^sk_/.test(key)) throw IntegrationError('You should not use your secret key with Stripe.js. Please pass a publishable key instead.');
  if (!/^pk_/.test(key)) throw IntegrationError('Invalid value for Stripe(): apiKey should be a publishable key. You specified: ' + key + '.');
  this._key = key;
  this._options = options || {};
}
Stripe.opencheckout = true;

/** Sends the buyer to the session's hosted page; like Stripe's, the promise settles only on an error. */
Stripe.prototype.redirectToCheckout = function (opts) {
  var id = opts && opts.sessionId;
  if (typeof id !== 'string' || !/^cs_/.test(id)) {
    return Promise.resolve({ error: { type: 'invalid_request_error', message: 'Invalid value for redirectToCheckout: sessionId should be a Checkout Session id (cs_...).' } });
  }
  location.assign(BASE + '/c/pay/' + encodeURIComponent(id));
  return new Promise(function () {});
};

function EmbeddedCheckout(stripe, opts) {
  this._stripe = stripe;
  this._opts = opts;
  this._secret = null;
  this._frame = null;
  this._listener = null;
  this._destroyed = false;
}

/** Puts the form in \`target\` (a selector or an element). */
EmbeddedCheckout.prototype.mount = function (target) {
  if (this._destroyed) throw IntegrationError('This Embedded Checkout instance has been destroyed.');
  var box = typeof target === 'string' ? document.querySelector(target) : target;
  if (!box || box.nodeType !== 1) throw IntegrationError('Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.');
  if (this._frame && this._frame.parentNode) throw IntegrationError('Embedded Checkout is already mounted.');
  var self = this, id = this._secret.split('_secret_')[0];
  var f = document.createElement('iframe');
  f.src = BASE + '/c/embed/' + encodeURIComponent(id) + '?client_secret=' + encodeURIComponent(this._secret) + '&pk=' + encodeURIComponent(this._stripe._key);
  f.name = 'embedded-checkout';
  f.title = 'Secure payment input frame';
  f.setAttribute('allow', 'payment *');
  f.setAttribute('frameborder', '0');
  f.style.cssText = 'border:0;width:100%;min-width:300px;height:640px;display:block;background:transparent;';
  // Every page loaded in the frame is greeted: it then talks to this origin only.
  f.addEventListener('load', function () { if (f.contentWindow) f.contentWindow.postMessage({ type: 'oc:hello' }, ORIGIN); });
  this._listener = function (e) {
    if (e.source !== f.contentWindow || e.origin !== ORIGIN || !e.data) return;
    var m = e.data;
    if (m.type === 'oc:size' && typeof m.height === 'number') f.style.height = Math.max(200, m.height) + 'px';
    else if (m.type === 'oc:complete') self._complete(m);
    else if (m.type === 'oc:shipping') self._shipping(m, f);
  };
  window.addEventListener('message', this._listener);
  box.appendChild(f);
  this._frame = f;
};

EmbeddedCheckout.prototype._complete = function (m) {
  if (this._done) return;
  this._done = true;
  if (typeof m.returnUrl === 'string' && /^https?:/.test(m.returnUrl)) { window.location.href = m.returnUrl; return; }
  if (typeof this._opts.onComplete === 'function') this._opts.onComplete();
};

/**
 * The buyer entered a shipping address in a session whose shipping details the merchant's server
 * sets: the merchant's onShippingDetailsChange decides ({type:'accept'} once its server updated
 * the session, or {type:'reject', errorMessage}), and the frame is told.
 */
EmbeddedCheckout.prototype._shipping = function (m, f) {
  var h = this._opts.onShippingDetailsChange, id = this._secret.split('_secret_')[0];
  function reply(r) {
    if (f.contentWindow) f.contentWindow.postMessage({ type: 'oc:shipping-result', result: r && r.type === 'accept' ? 'accept' : 'reject', message: r && typeof r.errorMessage === 'string' ? r.errorMessage : null }, ORIGIN);
  }
  if (typeof h !== 'function') {
    if (window.console) console.warn('This Checkout Session has permissions.update_shipping_details: server_only: pass onShippingDetailsChange to initEmbeddedCheckout().');
    reply(null);
    return;
  }
  Promise.resolve().then(function () { return h({ checkoutSessionId: id, shippingDetails: m.shippingDetails }); }).then(reply, function () { reply(null); });
};

/** Takes the form out of the page; mount() puts it back. */
EmbeddedCheckout.prototype.unmount = function () {
  if (this._listener) window.removeEventListener('message', this._listener);
  this._listener = null;
  if (this._frame && this._frame.parentNode) this._frame.parentNode.removeChild(this._frame);
  this._frame = null;
};

/** Unmounts for good: another Embedded Checkout may then be created. */
EmbeddedCheckout.prototype.destroy = function () {
  this.unmount();
  this._destroyed = true;
  if (embedded === this) embedded = null;
};

/** Fetches the session's client secret and answers an Embedded Checkout to mount. */
Stripe.prototype.initEmbeddedCheckout = function (opts) {
  opts = opts || {};
  if (embedded) return Promise.reject(IntegrationError('You cannot have multiple Embedded Checkout objects.'));
  if ((typeof opts.fetchClientSecret === 'function') === (typeof opts.clientSecret === 'string')) {
    return Promise.reject(IntegrationError('initEmbeddedCheckout() needs exactly one of fetchClientSecret (a function) or clientSecret (a string).'));
  }
  var ec = new EmbeddedCheckout(this, opts);
  embedded = ec;
  var got = opts.fetchClientSecret ? Promise.resolve().then(opts.fetchClientSecret) : Promise.resolve(opts.clientSecret);
  return got.then(function (secret) {
    if (typeof secret !== 'string' || !/^cs_[A-Za-z0-9_]+_secret_[A-Za-z0-9_]+$/.test(secret)) {
      throw IntegrationError('Invalid client secret: expected the client_secret of a Checkout Session (cs_..._secret_...).');
    }
    ec._secret = secret;
    return ec;
  }, function (err) { if (embedded === ec) embedded = null; throw err; });
};

/** Stripe.js 2026-03-25.dahlia's name of initEmbeddedCheckout. */
Stripe.prototype.createEmbeddedCheckoutPage = Stripe.prototype.initEmbeddedCheckout;

/** @stripe/stripe-js's loadStripe registers itself; nothing to record here. */
Stripe.prototype._registerWrapper = function () {};

/* Checkout Elements (ui_mode: elements, docs/decisions.md#checkout-elements). */

var SECRET = /^cs_[A-Za-z0-9_]+_secret_[A-Za-z0-9_]+$/;
var frames = 0;
var CARD_CODES = /^(card_declined|expired_card|incorrect_cvc|invalid_cvc|incorrect_number|invalid_number|processing_error|payment_intent_authentication_failure|authentication_required)$/;

function encode(v, key, out) {
  if (v === null || v === undefined) { if (v === null) out.push(encodeURIComponent(key) + '='); return out; }
  if (typeof v === 'object') { for (var k in v) encode(v[k], key ? key + '[' + k + ']' : k, out); return out; }
  out.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(v)));
  return out;
}

/** One call of the session's API with the publishable key and the client secret; resolves {view} or {error}. */
function call(sdk, method, params) {
  var q = encode(params || {}, '', ['client_secret=' + encodeURIComponent(sdk._secret)]).join('&');
  var url = BASE + '/v1/payment_pages/' + encodeURIComponent(sdk._id) + '/checkout';
  var init = { method: method, headers: { Authorization: 'Bearer ' + sdk._stripe._key } };
  if (method === 'GET') url += '?' + q; else { init.body = q; init.headers['Content-Type'] = 'application/x-www-form-urlencoded'; }
  return fetch(url, init).then(function (r) { return r.json(); }).then(function (j) {
    if (j && j.error) return { error: j.error };
    delete j.object;
    return { view: j };
  }, function (e) { return { error: { message: 'The Checkout Session could not be reached: ' + e.message } }; });
}

function CheckoutSdk(stripe, opts) {
  var self = this;
  this._stripe = stripe;
  this._opts = opts || {};
  this._handlers = [];
  this._session = null;
  this._element = null;
  this._secretReady = Promise.resolve(this._opts.clientSecret).then(function (secret) {
    if (typeof secret !== 'string' || !SECRET.test(secret)) throw IntegrationError('Invalid client secret: expected the client_secret of a Checkout Session (cs_..._secret_...).');
    self._secret = secret;
    self._id = secret.split('_secret_')[0];
    return secret;
  });
  this._ready = this._secretReady.then(function () { return self._reload(); }).then(function (r) { if (r.error) throw r.error; });
  this._ready.catch(function () {});
}

CheckoutSdk.prototype._reload = function () {
  var self = this;
  return call(this, 'GET').then(function (r) { if (r.view) self._set(r.view); return r; });
};

CheckoutSdk.prototype._set = function (view) {
  this._session = view;
  for (var i = 0; i < this._handlers.length; i++) { try { this._handlers[i](view); } catch (e) { setTimeout(function () { throw e; }); } }
};

CheckoutSdk.prototype.on = function (event, handler) {
  if (event === 'change' && typeof handler === 'function') { this._handlers.push(handler); if (this._session) handler(this._session); }
};

/** A change of the session: {type:'success', session} or {type:'error', error:{message, code}}. */
CheckoutSdk.prototype._change = function (params, code) {
  var self = this;
  return this._ready.then(function () { return call(self, 'POST', params); }).then(function (r) {
    if (r.error) return { type: 'error', error: { message: r.error.message, code: code ? code(r.error) : null } };
    self._set(r.view);
    return { type: 'success', session: r.view };
  }, function (e) { return { type: 'error', error: { message: e.message, code: null } }; });
};

function contactParam(c) {
  if (!c) return '';
  var a = c.address || {};
  return { name: c.name || '', address: { country: a.country, line1: a.line1 || '', line2: a.line2 || '', city: a.city || '', postal_code: a.postal_code || '', state: a.state || '' } };
}

CheckoutSdk.prototype._actions = function () {
  var self = this;
  var none = function () { return Promise.resolve({ type: 'success', session: self._session }); };
  var unsupportedAction = function (name) { return function () { return Promise.resolve({ type: 'error', error: { message: name + '() is not supported by the Stripe.js of OpenCheckout.', code: null } }); }; };
  return {
    getSession: function () { return self._session; },
    updateEmail: function (email) { return self._change({ email: email || '' }, function (e) { return email ? 'invalidEmail' : 'incompleteEmail'; }); },
    updateShippingAddress: function (c) { return self._change({ shipping_address: contactParam(c) }); },
    updateBillingAddress: function (c) { self._billing = c || null; return none(); },
    updatePhoneNumber: function (p) { self._phone = p || null; return none(); },
    updateIndividualName: none,
    updateBusinessName: none,
    applyPromotionCode: function (code) { return self._change({ promotion_code: String(code || '').trim() }, function () { return 'invalidCode'; }); },
    removePromotionCode: function () { return self._change({ promotion_code: '' }); },
    updateShippingOption: function (id) { return self._change({ shipping_rate: id }); },
    updateLineItemQuantity: unsupportedAction('updateLineItemQuantity'),
    updateTaxIdInfo: unsupportedAction('updateTaxIdInfo'),
    addOptionalLineItem: unsupportedAction('addOptionalLineItem'),
    removeOptionalLineItem: unsupportedAction('removeOptionalLineItem'),
    runServerUpdate: function (fn) {
      return Promise.resolve().then(fn).then(function () { return self._reload(); }).then(function (r) {
        return r.error ? { type: 'error', error: { message: r.error.message, code: null } } : { type: 'success', session: r.view };
      }, function (e) { return { type: 'error', error: { message: e && e.message || String(e), code: null } }; });
    },
    validateElements: function () {
      return Promise.resolve(self._element && self._element._frame ? { type: 'success', session: self._session } : { type: 'error', error: { code: 'no_elements', message: 'Mount a Payment Element first.', validation_errors: [] } });
    },
    confirm: function (args) { return self._confirm(args || {}); },
  };
};

/** The Payment Element posts its fields with what the merchant's page knows; 3D Secure shows in its frame. */
CheckoutSdk.prototype._confirm = function (args) {
  var self = this, el = this._element;
  if (!el || !el._frame || !this._session) return Promise.resolve({ type: 'error', error: { message: 'Mount a Payment Element before confirm().', code: null } });
  if (!el._readied) return Promise.resolve({ type: 'error', error: { message: 'The Payment Element is not ready yet: wait for its ready event.', code: null } });
  if (el._pending) return Promise.resolve({ type: 'error', error: { message: 'A confirmation is already in progress.', code: null } });
  var s = this._session, ship = args.shippingAddress, a = ship && ship.address || {};
  var fields = { email: args.email || s.email || '', phoneNumber: args.phoneNumber || this._phone || '', expectedTotal: String(s.total.total.minorUnitsAmount) };
  if (ship) { fields.shippingName = ship.name || ''; fields.shippingCountry = a.country || ''; fields.shippingAddressLine1 = a.line1 || ''; fields.shippingAddressLine2 = a.line2 || ''; fields.shippingLocality = a.city || ''; fields.shippingPostalCode = a.postal_code || ''; fields.shippingAdministrativeArea = a.state || ''; }
  return new Promise(function (resolve) {
    el._pending = { resolve: resolve, args: args };
    el._post({ type: 'oc:confirm', fields: fields });
  });
};

CheckoutSdk.prototype._ended = function (m) {
  var self = this, p = this._element && this._element._pending;
  if (!p) return;
  this._element._pending = null;
  this._reload().then(function () {
    if (m.type === 'oc:error') {
      var failed = CARD_CODES.test(m.code || '') || !!m.declineCode;
      p.resolve({ type: 'error', error: failed ? { message: m.message, code: 'paymentFailed', paymentFailed: { declineCode: m.declineCode || null } } : { message: m.message, code: null } });
      return;
    }
    var to = p.args.returnUrl || m.returnUrl;
    if ((p.args.redirect || 'always') === 'always' && typeof to === 'string' && /^https?:/.test(to)) { window.location.href = to.split('{CHECKOUT_SESSION_ID}').join(self._id); return; }
    p.resolve({ type: 'success', session: self._session });
  });
};

CheckoutSdk.prototype.loadActions = function () {
  var self = this;
  return this._ready.then(function () { return { type: 'success', actions: self._actions() }; }, function (e) { return { type: 'error', error: { message: e.message, code: null } }; });
};

CheckoutSdk.prototype.createPaymentElement = function (options) {
  if (this._element) throw IntegrationError('Can only create one Payment Element.');
  this._element = new PaymentElement(this, options || {});
  return this._element;
};
CheckoutSdk.prototype.getPaymentElement = function () { return this._element; };
CheckoutSdk.prototype.changeAppearance = function () {};
CheckoutSdk.prototype.loadFonts = function () {};
['BillingAddressElement', 'ShippingAddressElement', 'ExpressCheckoutElement', 'CurrencySelectorElement', 'TaxIdElement', 'ContactDetailsElement', 'TermsElement', 'LinkSignupElement'].forEach(function (n) {
  CheckoutSdk.prototype['create' + n] = function () { throw IntegrationError('create' + n + '() is not supported by the Stripe.js of OpenCheckout: collect it on your page and pass it to the checkout actions.'); };
  CheckoutSdk.prototype['get' + n] = function () { return null; };
});

/** The Payment Element: the hosted page's payment fields in a frame of this server (/c/element/:id). */
function PaymentElement(sdk, options) {
  this._sdk = sdk;
  this._options = options;
  this._frame = null;
  this._listener = null;
  this._pending = null;
  this._on = {};
}

PaymentElement.prototype.mount = function (target) {
  var box = typeof target === 'string' ? document.querySelector(target) : target;
  if (!box || box.nodeType !== 1) throw IntegrationError('Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.');
  if (this._frame && this._frame.parentNode) throw IntegrationError('This Element is already mounted.');
  var self = this, sdk = this._sdk, f = document.createElement('iframe');
  f.name = '__privateStripeFrame' + (++frames);
  f.title = 'Secure payment input frame';
  f.setAttribute('allow', 'payment *');
  f.setAttribute('frameborder', '0');
  f.style.cssText = 'border:0;width:100%;min-width:200px;height:320px;display:block;background:transparent;';
  f.addEventListener('load', function () { if (f.contentWindow) f.contentWindow.postMessage({ type: 'oc:hello' }, ORIGIN); });
  this._listener = function (e) {
    if (e.source !== f.contentWindow || e.origin !== ORIGIN || !e.data) return;
    var m = e.data;
    if (m.type === 'oc:size' && typeof m.height === 'number') f.style.height = Math.max(120, m.height) + 'px';
    else if (m.type === 'oc:ready') { if (!self._readied) { self._readied = true; self._emit('ready', { elementType: 'payment' }); } }
    else if (m.type === 'oc:error' || m.type === 'oc:complete') sdk._ended(m);
  };
  window.addEventListener('message', this._listener);
  box.appendChild(f);
  this._frame = f;
  sdk._secretReady.then(function (secret) {
    if (self._frame === f) f.src = BASE + '/c/element/' + encodeURIComponent(sdk._id) + '?client_secret=' + encodeURIComponent(secret) + '&pk=' + encodeURIComponent(sdk._stripe._key);
  }, function (e) { self._emit('loaderror', { elementType: 'payment', error: { message: e.message } }); });
};

PaymentElement.prototype._post = function (m) { if (this._frame && this._frame.contentWindow) this._frame.contentWindow.postMessage(m, ORIGIN); };
PaymentElement.prototype._emit = function (event, payload) { (this._on[event] || []).slice().forEach(function (h) { h(payload); }); };
PaymentElement.prototype.on = function (event, handler) { (this._on[event] = this._on[event] || []).push(handler); return this; };
PaymentElement.prototype.once = function (event, handler) { var self = this; function once(p) { self.off(event, once); handler(p); } return this.on(event, once); };
PaymentElement.prototype.off = function (event, handler) { this._on[event] = handler ? (this._on[event] || []).filter(function (h) { return h !== handler; }) : []; return this; };
PaymentElement.prototype.unmount = function () {
  if (this._listener) window.removeEventListener('message', this._listener);
  this._listener = null;
  if (this._frame && this._frame.parentNode) this._frame.parentNode.removeChild(this._frame);
  this._frame = null;
};
PaymentElement.prototype.destroy = function () { this.unmount(); if (this._sdk._element === this) this._sdk._element = null; };
PaymentElement.prototype.update = function () { return Promise.resolve(); };
PaymentElement.prototype.focus = PaymentElement.prototype.blur = PaymentElement.prototype.clear = PaymentElement.prototype.collapse = function () {};

/** stripe.initCheckoutElementsSdk({ clientSecret, elementsOptions }): synchronous; loadActions() gives the actions. */
Stripe.prototype.initCheckoutElementsSdk = function (opts) {
  opts = opts || {};
  if (opts.clientSecret === undefined) throw IntegrationError('initCheckoutElementsSdk() needs clientSecret: the client_secret of a Checkout Session, or a promise of it.');
  return new CheckoutSdk(this, opts);
};

/**
 * stripe.initCheckout: with clientSecret, as Stripe.js 2025-09-30.clover (the same object as
 * initCheckoutElementsSdk); with fetchClientSecret, as Stripe.js basil: a promise of the checkout,
 * with session() and the actions on it.
 */
Stripe.prototype.initCheckout = function (opts) {
  opts = opts || {};
  if (typeof opts.fetchClientSecret !== 'function') return this.initCheckoutElementsSdk(opts);
  var sdk = new CheckoutSdk(this, { clientSecret: Promise.resolve().then(opts.fetchClientSecret), elementsOptions: opts.elementsOptions });
  return sdk._ready.then(function () {
    var a = sdk._actions(), c = {};
    for (var k in a) if (k !== 'getSession') c[k] = a[k];
    c.session = a.getSession;
    ['on', 'createPaymentElement', 'getPaymentElement', 'changeAppearance', 'loadFonts'].forEach(function (k) { c[k] = CheckoutSdk.prototype[k].bind(sdk); });
    return c;
  });
};

/** What OpenCheckout's script does not offer says so, rather than failing on an undefined method. */
function unsupported(name) {
  return function () { throw IntegrationError('stripe.' + name + '() is not supported by the Stripe.js of OpenCheckout: use initCheckoutElementsSdk(), initEmbeddedCheckout() or redirectToCheckout().'); };
}
Stripe.prototype.elements = unsupported('elements');
Stripe.prototype.initCheckoutFormSdk = unsupported('initCheckoutFormSdk');

window.Stripe = Stripe;
})();
`;

let cached: { base: string; body: string; etag: string } | undefined;

/** The script for the server at `base`; the last one built is kept (one base in practice). */
function scriptFor(base: string): { body: string; etag: string } {
  if (cached?.base !== base) {
    const body = SCRIPT.replace('__OC_BASE__', JSON.stringify(base));
    cached = { base, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
  return cached;
}

/** Serves the script at `/v3/` and `/v3`. */
export function createStripeJsHandler(deps: Deps): PathHandler {
  return async function stripeJs(req, res, requestId) {
    if (!PATH.test(pathOf(req))) return false;
    req.resume();
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8', 'Request-Id': requestId });
      res.end('Method Not Allowed');
      return true;
    }
    const host = req.headers.host ?? '';
    const base = deps.config.publicUrl ?? (HOST.test(host) ? `http://${host}` : deps.publicUrl());
    const { body, etag } = scriptFor(base);
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': CACHE,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      // Loaded by merchant pages on other origins.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Access-Control-Allow-Origin': '*',
      'Request-Id': requestId,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(200, headers);
    res.end(method === 'HEAD' ? undefined : body);
    return true;
  };
}
