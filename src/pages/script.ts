/**
 * The page's only script, inlined under the CSP nonce. It is a convenience: the form, the
 * accordion and the saved-card choice all work without it (CSS `:has`, native radios, server-side
 * parsing). It spaces the card number as typed, formats the expiry as `MM / YY`, keeps
 * `aria-checked` / `aria-expanded` in step with the radios, and marks the button busy on submit
 * (its "Processing…" in the page's language comes from the button's `data-processing`: the
 * script itself holds no words).
 * It reprices as the buyer goes: a shipping rate at once, the address tax depends on when focus
 * leaves the address block (pressing the page's own Update buttons, which it hides).
 */
export const SCRIPT = `
(function(){
var d=document,f=d.getElementById('payment-form');if(!f)return;
d.documentElement.className+=' js';
function act(v){var b=f.querySelector('button[name=action][value='+v+']');if(b)b.click()}
function digits(v){return v.replace(/\\D/g,'')}
var num=d.getElementById('cardNumber');
if(num)num.addEventListener('input',function(){
var v=digits(num.value).slice(0,19),amex=/^3[47]/.test(v),out='';
if(amex){out=[v.slice(0,4),v.slice(4,10),v.slice(10,15)].filter(Boolean).join(' ')}
else{out=v.replace(/(\\d{4})(?=\\d)/g,'$1 ')}
var atEnd=num.selectionStart===num.value.length;num.value=out;if(atEnd)num.setSelectionRange(out.length,out.length)});
var exp=d.getElementById('cardExpiry');
if(exp)exp.addEventListener('input',function(e){
var v=digits(exp.value).slice(0,4);
if(v.length===1&&v>'1')v='0'+v;
var del=e.inputType&&e.inputType.indexOf('delete')===0;
exp.value=v.length>2||(v.length===2&&!del)?v.slice(0,2)+' / '+v.slice(2):v});
var cvc=d.getElementById('cardCvc');
if(cvc)cvc.addEventListener('input',function(){cvc.value=digits(cvc.value).slice(0,4)});
function sync(){
var rs=f.querySelectorAll('input[name=paymentMethod]');
for(var i=0;i<rs.length;i++){var r=rs[i],h=r.closest('[role=radio],.acc-head');
if(!h)continue;if(h.getAttribute('role')==='radio')h.setAttribute('aria-checked',r.checked?'true':'false');else h.setAttribute('aria-expanded',r.checked?'true':'false')}}
var rp=(f.getAttribute('data-reprice-on')||'').split(' '),dirty=false;
function inAddr(el){return el&&el.name&&rp[0]&&el.name.indexOf(rp[0].replace('Country',''))===0}
f.addEventListener('change',function(e){var n=e.target.name;if(n==='paymentMethod')sync();
else if(n==='shippingRate')act('select_shipping_rate');
else if(rp.indexOf(n)>-1)dirty=true});
f.addEventListener('focusout',function(){setTimeout(function(){if(dirty&&!inAddr(d.activeElement)){dirty=false;act('update_address')}},0)});
sync();
f.addEventListener('submit',function(e){
if(e.submitter&&e.submitter.value&&e.submitter.value!=='pay')return;
var b=f.querySelector('.SubmitButton');if(!b)return;
if(b.getAttribute('aria-busy')==='true'){e.preventDefault();return}
b.setAttribute('aria-busy','true');var l=b.querySelector('.lbl-text'),p=b.getAttribute('data-processing');if(l&&p)l.textContent=p});
})();
`
  .replace(/\n/g, '')
  .trim();
