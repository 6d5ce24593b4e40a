/**
 * The script of every page shown in the merchant's frame (the embedded form, the Payment
 * Element, their end, 3D Secure): it talks to the page around it with `postMessage`
 * (docs/decisions.md#embedded-checkout). It answers only the frame's own parent, and only after
 * that parent said hello: the hello's origin is the one every later message is addressed to, so
 * nothing is told to a page that did not embed the form, and only that page is listened to.
 * It reports the page's height (the parent sizes the frame; the page's full-window minimum height
 * is lifted in a frame), and on the end page the completion the `data-oc-complete` attribute
 * describes. The Payment Element (`data-oc-element`) says it is ready, tells a refusal
 * (`data-oc-error`), and submits when the merchant's `confirm()` asks, with the fields it sends.
 * An embedded form whose shipping details the merchant's server sets (`data-oc-shipping-server`)
 * asks the page (`onShippingDetailsChange`) when the buyer has entered a shipping address, and
 * waits for its answer before paying (docs/decisions.md#shipping-details-from-the-server). It
 * holds no words: a refusal's message is the merchant's.
 */
export const EMBED_SCRIPT = `
(function(){
var w=window,d=document,to=null;if(w.parent===w)return;
function send(m){if(to)w.parent.postMessage(m,to)}
function height(){var m=0,c=d.body.children;for(var i=0;i<c.length;i++){var r=c[i].getBoundingClientRect();if(r.height)m=Math.max(m,r.bottom+w.scrollY+(parseFloat(getComputedStyle(c[i]).marginBottom)||0))}return Math.ceil(m)}
function size(){send({type:'oc:size',height:height()})}
var full=d.querySelector('.wrap');if(full)full.style.minHeight='0';
var el=d.querySelector('form[data-oc-element]');
var ship=d.querySelector('form[data-oc-shipping-server]'),shipState='idle',shipErr=null;
var SHIP=['shippingName','shippingAddressLine1','shippingAddressLine2','shippingLocality','shippingPostalCode','shippingAdministrativeArea','shippingCountry'];
function val(n){var e=d.getElementById(n);return e&&e.value?e.value.trim():''}
function shipNow(){var a={name:val('shippingName'),address:{line1:val('shippingAddressLine1'),line2:val('shippingAddressLine2')||null,city:val('shippingLocality'),postal_code:val('shippingPostalCode')||null,state:val('shippingAdministrativeArea')||null,country:val('shippingCountry')}};return a.name&&a.address.line1&&a.address.city&&a.address.country?a:null}
function shipKey(a){return a?JSON.stringify([a.name,a.address.line1,a.address.line2||'',a.address.city,a.address.postal_code||'',a.address.state||'',a.address.country]):''}
function payButton(){return ship&&ship.querySelector('.SubmitButton')}
function shipMessage(t){if(shipErr){shipErr.remove();shipErr=null}if(!t)return;shipErr=d.createElement('p');shipErr.className='field-error';shipErr.setAttribute('role','alert');shipErr.setAttribute('data-testid','shipping-details-error');shipErr.textContent=t;var g=ship.querySelector('.addr-shipping');if(g)g.parentNode.insertBefore(shipErr,g.nextSibling);size()}
function askShipping(){if(!ship||!to)return;var a=shipNow(),k=shipKey(a);if(!a||k===ship.getAttribute('data-oc-shipping-set')||k===ship.getAttribute('data-oc-shipping-asked'))return;ship.setAttribute('data-oc-shipping-asked',k);shipState='asking';var b=payButton();if(b)b.disabled=true;shipMessage(null);send({type:'oc:shipping',shippingDetails:a})}
if(ship&&ship.hasAttribute('data-oc-shipping-accepted'))ship.setAttribute('data-oc-shipping-set',shipKey(shipNow()));
var timer=null;function later(){clearTimeout(timer);timer=setTimeout(askShipping,400)}
if(ship){SHIP.forEach(function(n){var e=d.getElementById(n);if(e)e.addEventListener('change',later)});
ship.addEventListener('submit',function(ev){var k=shipKey(shipNow());if(shipState==='asking'||k!==ship.getAttribute('data-oc-shipping-set')){ev.preventDefault();ev.stopImmediatePropagation();askShipping()}},true)}
w.addEventListener('message',function(e){
if(e.source!==w.parent||!e.data)return;var m=e.data;
if(m.type==='oc:hello'&&!to){to=e.origin;size();
var c=d.querySelector('[data-oc-complete]');
if(c)send({type:'oc:complete',session:c.getAttribute('data-oc-complete'),returnUrl:c.getAttribute('data-oc-return')||null});
var x=d.querySelector('[data-oc-error]');
if(el)send(x?{type:'oc:error',code:x.getAttribute('data-oc-error'),message:x.getAttribute('data-oc-message'),declineCode:x.getAttribute('data-oc-decline')||null}:{type:'oc:ready'});
if(ship)askShipping();return}
if(e.origin!==to)return;
if(m.type==='oc:confirm'&&el&&m.fields){for(var k in m.fields){var i=el.querySelector('input[type=hidden][name="'+k+'"]');if(i&&typeof m.fields[k]==='string')i.value=m.fields[k]}if(el.requestSubmit)el.requestSubmit();else el.submit()}
else if(m.type==='oc:shipping-result'&&ship&&shipState==='asking'){shipState='idle';if(m.result==='accept'){var n=d.createElement('input');n.type='hidden';n.name='action';n.value='shipping_details_accepted';ship.appendChild(n);ship.setAttribute('data-oc-shipping-set',ship.getAttribute('data-oc-shipping-asked')||'');HTMLFormElement.prototype.submit.call(ship)}else{var b=payButton();if(b)b.disabled=false;shipMessage(typeof m.message==='string'&&m.message?m.message:ship.getAttribute('data-oc-shipping-rejected'))}}
});
if(w.ResizeObserver)new ResizeObserver(size).observe(d.body);else w.addEventListener('resize',size);
})();
`
  .replace(/\n/g, '')
  .trim();
