/**
 * The script of every page shown in the merchant's frame (the embedded form, its end): it talks
 * to the page around it with `postMessage` (docs/decisions.md#embedded-checkout). It answers only
 * the frame's own parent, and only after that parent said hello: the hello's origin is the one
 * every later message is addressed to, so nothing is told to a page that did not embed the form.
 * It reports the page's height (the parent sizes the frame; the page's full-window minimum height is lifted in a frame), and on the end page the completion
 * the `data-oc-complete` attribute describes. It holds no words.
 */
export const EMBED_SCRIPT = `
(function(){
var w=window,d=document,to=null;if(w.parent===w)return;
function send(m){if(to)w.parent.postMessage(m,to)}
function height(){var m=0,c=d.body.children;for(var i=0;i<c.length;i++){var r=c[i].getBoundingClientRect();if(r.height)m=Math.max(m,r.bottom+w.scrollY+(parseFloat(getComputedStyle(c[i]).marginBottom)||0))}return Math.ceil(m)}
function size(){send({type:'oc:size',height:height()})}
var full=d.querySelector('.wrap');if(full)full.style.minHeight='0';
w.addEventListener('message',function(e){
if(e.source!==w.parent||!e.data||e.data.type!=='oc:hello'||to)return;
to=e.origin;size();
var c=d.querySelector('[data-oc-complete]');
if(c)send({type:'oc:complete',session:c.getAttribute('data-oc-complete'),returnUrl:c.getAttribute('data-oc-return')||null})});
if(w.ResizeObserver)new ResizeObserver(size).observe(d.body);else w.addEventListener('resize',size);
})();
`
  .replace(/\n/g, '')
  .trim();
