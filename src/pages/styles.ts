/**
 * The page's stylesheet, inlined under the CSP nonce (no external requests). Which address fields
 * a country has is decided in CSS from the selected option (`:has(option:checked)`), so the form
 * adapts to the country without the script.
 */
import { addressFormFor, AUTO_POSTAL_COUNTRIES, COUNTRIES } from '../checkout/address-form.js';

function countries(pred: (code: string) => boolean): string {
  return COUNTRIES.filter(([code]) => pred(code))
    .map(([code]) => `[value=${code}]`)
    .join(',');
}

const STATE = countries((c) => addressFormFor(c).state);
const NO_POSTAL = countries((c) => !addressFormFor(c).postalCode);
const AUTO_POSTAL = [...AUTO_POSTAL_COUNTRIES].map((c) => `[value=${c}]`).join(',');

/** Per-country field rules for one address block (`billing` or `shipping`). */
function addressRules(prefix: string): string {
  const sel = `#${prefix}Country option:is(`;
  return (
    `.addr-${prefix} .f-state{display:none}` +
    `.addr-${prefix}:has(${sel}${STATE}):checked) .f-state{display:block}` +
    `.addr-${prefix}.full:has(${sel}${NO_POSTAL}):checked) .f-postal{display:none}` +
    `.addr-${prefix}.auto .f-postal{display:none}` +
    `.addr-${prefix}.auto:has(${sel}${AUTO_POSTAL}):checked) .f-postal{display:block}`
  );
}

export const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Ubuntu,sans-serif;color:#1a1a1a;background:#fff}
a{color:inherit}
.wrap{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);min-height:100vh}
.summary{background:#f7f8f9;border-right:1px solid #ececec;display:flex;justify-content:flex-end;padding:56px 48px}
.pay{display:flex;justify-content:flex-start;padding:56px 48px}
.col{width:100%;max-width:400px}
.top{display:flex;align-items:center;gap:12px;margin-bottom:32px;font-weight:500}
.back{text-decoration:none;color:#6b6b6b;font-size:14px;padding:4px 6px;margin-left:-6px;border-radius:6px}
.back:hover{background:#ececec;color:#1a1a1a}
.merchant{font-size:15px}
.badge{font-size:11px;font-weight:600;letter-spacing:.03em;text-transform:uppercase;color:#bb5504;background:#ffde92;border-radius:4px;padding:1px 6px}
.caption{color:#6b6b6b;font-size:16px;font-weight:500;margin:0 0 2px}
.total-big{font-size:36px;font-weight:600;letter-spacing:-.02em;margin:0 0 4px}
.sub{color:#6b6b6b;font-size:14px;margin:0 0 28px}
.items{list-style:none;margin:0;padding:0}
.item{display:flex;gap:12px;padding:14px 0}
.item+.item{border-top:1px solid #ececec}
.thumb{flex:none;width:42px;height:42px;border-radius:6px;background:#e6e8eb;display:grid;place-items:center;color:#8a8f98;font-weight:600;font-size:16px}
.item-main{flex:1;min-width:0}
.item-name{font-weight:500;overflow-wrap:anywhere}
.item-meta{color:#6b6b6b;font-size:13px}
.item-amt{font-weight:500;white-space:nowrap}
.totals{margin:8px 0 0 54px;border-top:1px solid #e0e0e0}
.row{display:flex;justify-content:space-between;gap:16px;padding:12px 0;font-size:14px}
.row>span:last-child{text-align:right}
.row.grand{border-top:1px solid #e0e0e0;font-weight:600;font-size:15px}
h2{font-size:18px;font-weight:500;margin:0 0 14px}
h3{font-size:14px;font-weight:500;margin:24px 0 8px;color:#30313d}
section{margin-bottom:24px}
label,.lbl{display:block;font-size:13px;font-weight:500;color:#30313d;margin:0 0 6px}
.f{margin-bottom:12px}
.in,select.in{display:block;width:100%;min-width:0;font:inherit;font-size:15px;color:#1a1a1a;background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:9px 12px;min-height:42px;box-shadow:0 1px 1px rgba(0,0,0,.03),0 3px 6px rgba(0,0,0,.02);transition:border-color .15s,box-shadow .15s;appearance:none;-webkit-appearance:none}
select.in{padding-right:32px;background-image:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='12' height='12' viewBox='0 0 12 12'%3E%3Cpath fill='%236b6b6b' d='M6 8.5 2 4.5h8z'/%3E%3C/svg%3E");background-repeat:no-repeat;background-position:right 12px center}
.in:focus{outline:none;border-color:#0570de;box-shadow:0 0 0 3px rgba(5,112,222,.25)}
.in[readonly]{background:#f6f8fa;color:#424770}
.in[aria-invalid=true]{border-color:#df1b41;box-shadow:0 0 0 1px #df1b41}
.grp{border:1px solid #e0e0e0;border-radius:6px;box-shadow:0 1px 1px rgba(0,0,0,.03),0 3px 6px rgba(0,0,0,.02);background:#fff}
.grp .in{border:0;border-radius:0;box-shadow:none}
.grp .in:focus{box-shadow:inset 0 0 0 2px rgba(5,112,222,.5);border-radius:6px}
.grp>*+*,.grp>.in+.in{border-top:1px solid #e0e0e0}
.grp .split{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
.grp .split>*+*{border-left:1px solid #e0e0e0}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
.cardrow{position:relative}
.brands{position:absolute;right:10px;top:50%;transform:translateY(-50%);display:flex;gap:4px;pointer-events:none}
.brand{font-size:9px;font-weight:700;letter-spacing:.02em;border:1px solid #e0e0e0;border-radius:3px;padding:2px 4px;color:#1a1f71;background:#fff;text-transform:uppercase}
.saved-list{display:grid;gap:8px;margin-bottom:12px}
.saved{display:flex;align-items:center;gap:12px;border:1px solid #e0e0e0;border-radius:6px;padding:12px 14px;cursor:pointer;margin:0;font-weight:400;font-size:15px;color:#1a1a1a;background:#fff}
.saved:has(input:checked){border-color:#0570de;box-shadow:0 0 0 1px #0570de}
.saved:has(input:focus-visible){box-shadow:0 0 0 3px rgba(5,112,222,.25)}
.saved .exp{margin-left:auto;color:#6b6b6b;font-size:13px}
.dot{flex:none;width:16px;height:16px;border-radius:50%;border:1px solid #c0c4cc;background:#fff}
.saved:has(input:checked) .dot,.acc-head:has(input:checked) .dot{border:5px solid #0570de}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.acc{border:1px solid #e0e0e0;border-radius:6px;overflow:hidden;background:#fff}
.acc-item+.acc-item{border-top:1px solid #e0e0e0}
.acc-head{display:flex;align-items:center;gap:12px;margin:0;padding:14px;font-size:15px;font-weight:500;color:#1a1a1a;cursor:pointer}
.acc-head:has(input:focus-visible){box-shadow:inset 0 0 0 2px rgba(5,112,222,.5)}
.acc-body{display:none;padding:0 14px 14px}
.acc-item:has(.acc-head input:checked) .acc-body{display:block}
.acc-item:has(.acc-head input:checked){background:#fbfcfd}
form:has(.acc-item[data-own-billing] .acc-head input:checked) .billing-auto{display:none}
.check{display:flex;gap:10px;align-items:flex-start;font-weight:400;font-size:14px;margin:12px 0 0;cursor:pointer}
.check input{margin:3px 0 0;width:16px;height:16px;accent-color:#0570de}
.alert{display:flex;gap:8px;align-items:flex-start;color:#df1b41;background:#fff5f7;border:1px solid #fcd0da;border-radius:6px;padding:10px 12px;font-size:14px;margin:0 0 16px}
.SubmitButton{display:flex;align-items:center;justify-content:center;gap:8px;width:100%;font:inherit;font-size:16px;font-weight:600;color:#fff;background:#0570de;border:0;border-radius:6px;padding:13px 16px;min-height:46px;cursor:pointer;box-shadow:0 1px 1px rgba(0,0,0,.05),0 2px 5px rgba(5,112,222,.25);transition:background .15s}
.SubmitButton:hover{background:#0459b8}
.SubmitButton:focus-visible{outline:none;box-shadow:0 0 0 3px rgba(5,112,222,.35)}
.SubmitButton[aria-busy=true]{opacity:.7;cursor:progress}
.fine{color:#6b6b6b;font-size:12px;text-align:center;margin:16px 0 0}
.foot{color:#8a8f98;font-size:12px;margin-top:40px}
.notice{max-width:440px;margin:12vh auto;padding:0 24px;text-align:center}
.notice .icon{width:56px;height:56px;border-radius:50%;display:grid;place-items:center;margin:0 auto 20px;font-size:26px;background:#e3f4ea;color:#1a7f4b}
.notice .icon.warn{background:#fdf1e5;color:#bb5504}
.notice h1{font-size:22px;font-weight:600;margin:0 0 8px}
.notice p{color:#6b6b6b;margin:0 0 24px}
.promo{display:flex;flex-wrap:wrap;gap:8px;padding:4px 0 10px}
.promo .in{flex:1;min-height:36px;padding:6px 10px;font-size:14px}
.promo-apply{font:inherit;font-size:14px;font-weight:500;color:#0570de;background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:6px 12px;cursor:pointer}
.promo.applied{align-items:center;justify-content:space-between}
.chip{font-size:13px;font-weight:600;background:#e6e8eb;border-radius:4px;padding:2px 8px}
.link{font:inherit;font-size:13px;color:#0570de;background:none;border:0;padding:4px 0;cursor:pointer;text-decoration:underline}
.field-error{flex-basis:100%;color:#df1b41;font-size:13px;margin:0}
.opt{font-weight:400;color:#6b6b6b}
.custom-text{color:#6b6b6b;font-size:13px;margin:0 0 14px;overflow-wrap:anywhere}
.custom-text a{color:#0570de}
.custom-text-after-submit{margin:16px 0 0;text-align:center}
.check.consent{margin:4px 0 12px}
.consent-terms{border:1px solid #e0e0e0;border-radius:6px;padding:2px 12px;margin:0 0 16px;background:#fff}
.consent-terms .check.consent{margin:10px 0}
.consent a{color:#0570de}
.check input[aria-invalid=true]{outline:2px solid #df1b41;outline-offset:1px}
.qty{display:flex;align-items:center;gap:8px;margin-top:6px}
.qty label{margin:0;font-weight:400;color:#6b6b6b}
.qty .qty-in{width:76px;min-height:32px;padding:4px 8px;font-size:14px}
.qty .promo-apply{padding:4px 10px;font-size:13px}
.optional-items{margin:4px 0 8px 0;border-top:1px solid #ececec;padding-top:10px}
.optional-title{font-size:13px;font-weight:500;color:#6b6b6b;margin:0}
.optional-item{align-items:center}
.rates{border:1px solid #e0e0e0;border-radius:6px;background:#fff}
.rate{display:flex;align-items:center;gap:12px;margin:0;padding:12px 14px;font-size:15px;font-weight:400;color:#1a1a1a;cursor:pointer}
.rate+.rate{border-top:1px solid #e0e0e0}
.rate input{margin:0;accent-color:#0570de}
.rate-name{flex:1}
.rate-eta{display:block;color:#6b6b6b;font-size:13px}
.rate-amt{font-weight:500;white-space:nowrap}
.js .js-hide{display:none}
.btn{display:inline-block;text-decoration:none;font-weight:500;border:1px solid #e0e0e0;border-radius:6px;padding:9px 16px;color:#1a1a1a}
${addressRules('billing')}${addressRules('shipping')}
@media (max-width:880px){
.wrap{grid-template-columns:1fr;min-height:0}
.summary{border-right:0;border-bottom:1px solid #ececec;justify-content:center;padding:24px 20px}
.pay{justify-content:center;padding:28px 20px 40px}
.col{max-width:480px}
.top{margin-bottom:20px}
.total-big{font-size:30px}
}
`
  .replace(/\n/g, '')
  .trim();
