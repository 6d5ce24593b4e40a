/**
 * Pays a Checkout Session the way a buyer does: loads its hosted page, takes the form's CSRF
 * token, and posts the payment form. `trigger` uses it so every event it causes is real.
 */
export async function payOnHostedPage(sessionUrl: string, fields: Record<string, string>): Promise<void> {
  const page = await fetch(sessionUrl);
  const html = await page.text();
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!page.ok || !token) throw new Error(`the hosted page at ${sessionUrl} did not offer a payment form (HTTP ${page.status})`);
  const res = await fetch(sessionUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, csrf_token: token }).toString(),
  });
  if (res.status !== 303 && res.status !== 200) {
    const alert = /role="alert"[^>]*>([^<]+)</.exec(await res.text())?.[1];
    throw new Error(`the hosted page refused the payment (HTTP ${res.status})${alert ? `: ${alert.trim()}` : ''}`);
  }
}

export const BUYER = {
  email: 'jenny.rosen@example.com',
  billingName: 'Jenny Rosen',
  billingCountry: 'US',
  billingPostalCode: '94102',
};

export const CARD_4242 = { paymentMethod: 'card', cardNumber: '4242 4242 4242 4242', cardExpiry: '12 / 34', cardCvc: '123' };

/** The test bank account the CLI's page payment uses for an ACH outcome. */
export function bankAccount(account: string) {
  return { paymentMethod: 'us_bank_account', routingNumber: '110000000', accountNumber: account, accountHolderName: 'Jenny Rosen', accountHolderType: 'individual' };
}
