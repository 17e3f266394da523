import { BENCH_PASSWORD, insertUser, integrationToken, signIn } from './support.js';

export const CUSTOMER_TICKETS = 20;

/** What the page rows load: a customer's session, an integration's token, one of the tickets. */
export interface PagesData {
  customerCookie: string;
  bearer: string;
  ticketId: string;
}

/**
 * A customer with 20 tickets, opened through the API as they would be, and an integration that
 * may read tickets (client credentials, `tickets:read`). Run against a freshly migrated database.
 */
export async function preparePagesData(baseUrl: string, dbUrl: string): Promise<PagesData> {
  await insertUser(dbUrl, 'bench-customer@example.com', ['customer']);
  const bearer = await integrationToken(baseUrl, dbUrl, ['tickets:read']);
  const customerCookie = await signIn(baseUrl, 'bench-customer@example.com', BENCH_PASSWORD);
  const csrf = (
    await (await fetch(`${baseUrl}/api/v1/auth/csrf`, { headers: { cookie: customerCookie } })).json()
  ).csrfToken as string;
  let ticketId = '';
  for (let i = 1; i <= CUSTOMER_TICKETS; i++) {
    const created = await fetch(`${baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: customerCookie, 'x-csrf-token': csrf },
      body: JSON.stringify({
        subject: `Printer on floor ${i} prints blank pages`,
        body: `Since this morning the printer on floor ${i} prints blank pages. I restarted it twice; the toner is new.`,
      }),
    });
    if (created.status !== 201) throw new Error(`ticket ${i}: ${created.status} ${await created.text()}`);
    ticketId = (await created.json()).id as string;
  }
  return { customerCookie, bearer, ticketId };
}

/** Fails loudly when a row's route does not answer 200 as set up: a bench of errors measures nothing. */
export async function expectOk(url: string, headers: Record<string, string>, contains?: string) {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.slice(0, 300)}`);
  if (contains && !body.includes(contains)) throw new Error(`${url}: answer lacks "${contains}"`);
  return body;
}
