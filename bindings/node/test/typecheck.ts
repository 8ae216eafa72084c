// Compiled (not run) by test/types.test.js with tsc --strict: the declarations describe the API as used here, and
// a request of the wrong shape is a compile error.
import * as xero from '..';

export function setup(conn: xero.Connection): void {
  conn.configure({ client_id: 'id', state_dir: '/var/lib/xero' });
  const started: { url: string } = conn.authorizeUrl();
  conn.authenticate({ callback_url: started.url });
  conn.setTenant({ tenant_name: 'Huge ERP Test Ltd' });
  const answer: xero.PushResponse = conn.pushInvoices({
    invoices: [{ number: 'SI-1', type: 'sales', debtor: 'D1', date: '2026-11-26',
      lines: [{ description: 'Steel beams', quantity: '3', unit_price: '19.995' }] }],
  }, { progress: (e: xero.ProgressEvent) => e.done / e.total });
  const outcome: xero.Outcome = answer.results[0].outcome;
  void outcome;
  const totals: string | null | undefined = answer.results[0].totals?.total;
  void totals;
  const codes: string[] = conn.getAccounts().accounts.map((a) => a.code);
  void codes;
  // @ts-expect-error: `type` is "sales" or "purchase"
  conn.pushInvoices({ invoices: [{ number: 'SI-2', type: 'refund', date: '2026-11-26', lines: [] }] });
  // @ts-expect-error: a contact needs its code
  conn.pushContacts({ contacts: [{ role: 'debtor', name: 'No Code Ltd' }] });
}

export async function later(conn: xero.Connection): Promise<string> {
  const answer: xero.PushResponse = await conn.promises.pushContacts({ contacts: [{ code: 'D1', role: 'debtor', name: 'Acme' }] });
  try {
    await xero.promises.call('status', { connection: conn.name });
  } catch (e) {
    if (e instanceof xero.ValidationError) return `${e.code} at ${e.path}`;
  }
  xero.setLogHandler((r: xero.LogRecord) => r.level === 'error');
  xero.setStateStore({ load: (key: string) => (key ? { value: '{}', revision: 1 } : null), cas: () => true });
  return answer.results[0].key;
}
