/**
 * The invoice's PDF, written by hand: one A4 page of text lines in Helvetica, no library
 * (docs/decisions.md#invoices). Served at `/invoices/:id/pdf` (the `hosted_invoice_url`,
 * `/invoices/:id`, is the hosted invoice page, pages/invoice/, which answers first), outside /v1:
 * the unguessable `in_` id is the credential, as a hosted page's session id is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../../api/context.js';
import type { PathHandler } from '../../api/server.js';
import { currencyDecimals } from '../../money/currencies.js';
import type { Invoice } from './service.js';
import { invoiceById } from './store.js';

/** A PDF string literal: backslash, parentheses escaped; characters outside Latin-1 replaced. */
function pdfText(s: string): string {
  return s.replace(/[^\x20-\x7e\xa0-\xff]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A one-page PDF showing `lines` top to bottom (the first one larger, a title). */
export function textPdf(lines: readonly string[]): Buffer {
  const ops = ['BT', '/F1 18 Tf', '56 780 Td', `(${pdfText(lines[0] ?? '')}) Tj`, '/F1 10 Tf', '0 -28 Td'];
  for (const line of lines.slice(1, 60)) ops.push(`(${pdfText(line)}) Tj`, '0 -14 Td');
  ops.push('ET');
  const content = Buffer.from(ops.join('\n'), 'latin1');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${content.length} >>\nstream\n${content.toString('latin1')}\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** `1999, 'usd'` -> `19.99 USD`, from the integer amount (no floating point). */
function formatAmount(amount: number, currency: string): string {
  const d = currencyDecimals(currency);
  const abs = String(Math.abs(amount)).padStart(d + 1, '0');
  const whole = d === 0 ? abs : `${abs.slice(0, -d)}.${abs.slice(-d)}`;
  return `${amount < 0 ? '-' : ''}${whole} ${currency.toUpperCase()}`;
}

type Line = { description: string | null; quantity: number | null; amount: number };

/** The text lines of an invoice's PDF: who, what, and the amounts (English, as the Dashboard's). */
export function invoiceText(inv: Invoice): string[] {
  const cur = inv.currency as string;
  const money = (n: number) => formatAmount(n, cur);
  const date = (t: number | null) => (t === null ? '-' : new Date(t * 1000).toISOString().slice(0, 10));
  const out = [
    `Invoice ${String(inv.number ?? inv.id)}`,
    `Status: ${inv.status}`,
    `Date of issue: ${date(inv.effective_at as number | null)}`,
    ...(inv.due_date ? [`Date due: ${date(inv.due_date as number)}`] : []),
    `From: ${String(inv.account_name)}`,
    `Bill to: ${String(inv.customer_name ?? inv.customer_email ?? inv.customer)}`,
    ...(inv.customer_email ? [String(inv.customer_email)] : []),
    '',
    ...(inv.description ? [String(inv.description), ''] : []),
  ];
  for (const line of (inv.lines as { data: Line[] }).data) {
    out.push(`${line.description ?? 'Item'}    Qty ${line.quantity ?? 1}    ${money(line.amount)}`);
  }
  out.push('', `Subtotal: ${money(inv.subtotal as number)}`);
  for (const d of inv.total_discount_amounts as Array<{ amount: number }>) out.push(`Discount: -${money(d.amount)}`);
  for (const t of inv.total_taxes as Array<{ amount: number; tax_behavior: string }>) out.push(`Tax${t.tax_behavior === 'inclusive' ? ' (included)' : ''}: ${money(t.amount)}`);
  out.push(`Total: ${money(inv.total as number)}`, `Amount paid: ${money(inv.amount_paid as number)}`, `Amount due: ${money(inv.amount_remaining as number)}`);
  for (const f of (inv.custom_fields as Array<{ name: string; value: string }> | null) ?? []) out.push(`${f.name}: ${f.value}`);
  if (inv.footer) out.push('', String(inv.footer));
  return out;
}

const PATH = /^\/invoices\/(in_[A-Za-z0-9]{1,64})(\/pdf)?$/;

/** Serves a finalized invoice's PDF; a draft or unknown id is a 404. */
export function createInvoicePdfHandler(deps: Deps): PathHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const m = PATH.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m || req.method !== 'GET') return false;
    const inv = await invoiceById(deps.store.db, m[1] as string);
    if (!inv || inv.status === 'draft') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return true;
    }
    const pdf = textPdf(invoiceText(inv));
    const name = `Invoice-${String(inv.number ?? inv.id)}.pdf`;
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': pdf.length,
      'content-disposition': `${m[2] ? 'attachment' : 'inline'}; filename="${name}"`,
      'cache-control': 'no-store',
    });
    res.end(pdf);
    return true;
  };
}
