/**
 * `GET /v3/` (and `/v3`): a Stripe.js compatible script for front ends (docs/decisions.md#embedded-checkout).
 * A merchant page that loads `https://js.stripe.com/v3/` runs unchanged when the browser routes
 * that URL here (src/testing/playwright.ts does it for Playwright), or it loads this one directly.
 * It offers `Stripe(pk)`, `redirectToCheckout({ sessionId })` (to the hosted page) and
 * `initEmbeddedCheckout(...)`, whose form is the hosted page's, in a frame of this server
 * (`/c/embed/:id`, embed.ts). No dependency, no build step: the browser runs it as written.
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

/** @stripe/stripe-js's loadStripe registers itself; nothing to record here. */
Stripe.prototype._registerWrapper = function () {};

/** What OpenCheckout's script does not offer says so, rather than failing on an undefined method. */
function unsupported(name) {
  return function () { throw IntegrationError('stripe.' + name + '() is not supported by the Stripe.js of OpenCheckout: use initEmbeddedCheckout() or redirectToCheckout().'); };
}
Stripe.prototype.elements = unsupported('elements');
Stripe.prototype.initCheckout = unsupported('initCheckout');

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
