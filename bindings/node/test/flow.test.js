'use strict';
// The shared scenario through the Node binding against xero-sim: configure, sign in (automatic consent),
// connections, tenant, a debtor, an item and an invoice pushed, the results read back; once synchronously, once
// with promises.

const test = require('node:test');
const assert = require('node:assert/strict');
const { xero, startSim, config, newStateDir, consent, ready, invoice, debtor, ORG } = require('./helpers');

let sim;
test.before(async () => { sim = await startSim(); });
test.after(async () => { await sim.stop(); });

test('version and ABI', () => {
  assert.equal(xero.abiVersion(), xero.ABI_VERSION);
  assert.equal(xero.version(), xero.call('version', {}).version);
  assert.match(xero.libraryPath, /libxero_link\.so$/);
});

test("the administrator's setup and a push, synchronously", async () => {
  const conn = new xero.Connection('xero-node-flow');
  const configured = conn.configure(config(sim.endpoints(), newStateDir('flow')));
  assert.ok(!JSON.stringify(configured).includes('sim-secret'));
  assert.equal(conn.status().signed_in, false);

  // "Authenticate sign in": the authorize URL, Xero's consent (automatic in the simulator), the callback.
  const started = conn.authorizeUrl();
  assert.ok(started.url.startsWith(sim.info.endpoints.authorize), started.url);
  conn.authenticate({ callback_url: await consent(started.url) });

  const orgs = conn.connections().connections;
  assert.ok(orgs.map((c) => c.tenant_name).includes(ORG));
  conn.setTenant({ tenant_name: ORG }); // "Set Xero Tenant", once
  const status = conn.status();
  assert.equal(status.signed_in, true);
  assert.equal(status.tenant.tenant_name, ORG);
  const text = JSON.stringify(status);
  assert.ok(!text.includes('sim-secret') && !text.includes('eyJ'), 'no secret, no (JWT-shaped) token');

  // The setup screen's pick lists.
  const codes = conn.getAccounts().accounts.map((a) => a.code);
  assert.ok(codes.includes('200') && codes.includes('310'));
  const categories = Object.fromEntries(conn.getTrackingCategories().tracking_categories
    .map((c) => [c.name, c.options.map((o) => o.name)]));
  assert.ok(categories.Division.includes('North') && categories['Sales Rep'].includes('Alice Brown'));

  // A debtor, an item and an invoice, each pushed from the ERP's posting routines.
  const events = [];
  const contacts = conn.pushContacts({ contacts: [debtor('DF001', 'Flow Builders Ltd')] },
    { progress: (e) => events.push(e) });
  assert.equal(contacts.results[0].outcome, 'created', JSON.stringify(contacts));
  assert.ok(events.length > 0);
  assert.equal(events.at(-1).done, 1);
  assert.equal(events.at(-1).total, 1);
  const items = conn.pushItems({ items: [{ code: 'BEAM-F6M', name: 'Steel beam 6 m', sales_price: '19.9950',
    purchase_price: '12.40', tracked: false }] });
  assert.equal(items.results[0].outcome, 'created', JSON.stringify(items));
  const line = { item: 'BEAM-F6M', description: 'Steel beams', quantity: '3', unit_price: '19.995',
    tax_code: 'OUTPUT' };
  const pushed = conn.pushInvoices({ invoices: [{ ...invoice('SI-F1001', 'DF001'), lines: [line] }] });
  const result = pushed.results[0];
  assert.equal(result.outcome, 'created', JSON.stringify(pushed));
  assert.equal(result.totals.total, '65.99'); // 59.99 + 10 % tax, exact

  // Read back what Xero holds; push again: nothing is written twice.
  const documents = conn.getDocuments({ documents: [{ type: 'sales', kind: 'invoice', number: 'SI-F1001' }] });
  assert.equal(documents.documents[0].found, true, JSON.stringify(documents));
  const again = xero.call('push_invoices', { connection: conn.name,
    invoices: [{ ...invoice('SI-F1001', 'DF001'), lines: [{ ...line, unit_price: '19.9950' }] }] });
  assert.equal(again.results[0].outcome, 'unchanged', JSON.stringify(again));
  assert.equal(again.summary.unchanged, 1);
});

test('the same scenario with promises, off the event loop', async () => {
  const conn = new xero.Connection('xero-node-flow-async');
  const p = conn.promises;
  await p.configure(config(sim.endpoints(), newStateDir('flow-async')));
  const started = await p.authorizeUrl();
  await p.authenticate({ callback_url: await consent(started.url) });
  const orgs = (await p.connections()).connections;
  assert.ok(orgs.map((c) => c.tenant_name).includes(ORG));
  await p.setTenant({ tenant_name: ORG });

  // While the pushes run on koffi's worker threads the event loop goes on: timers fire.
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 1);
  const events = [];
  const [contacts, items] = await Promise.all([
    p.pushContacts({ contacts: [debtor('DA001', 'Async Builders Ltd')] }, { progress: (e) => events.push(e) }),
    p.pushItems({ items: [{ code: 'BEAM-A6M', name: 'Steel beam 6 m', sales_price: '19.9950' }] }),
  ]);
  assert.equal(contacts.results[0].outcome, 'created', JSON.stringify(contacts));
  assert.equal(items.results[0].outcome, 'created', JSON.stringify(items));
  const pushed = await p.pushInvoice({ invoice: { ...invoice('SI-A1001', 'DA001'),
    lines: [{ item: 'BEAM-A6M', description: 'Steel beams', quantity: '3', unit_price: '19.995',
      tax_code: 'OUTPUT' }] } });
  clearInterval(timer);
  assert.equal(pushed.results[0].outcome, 'created', JSON.stringify(pushed));
  assert.equal(pushed.results[0].totals.total, '65.99');
  assert.ok(ticks > 0, 'the event loop ran while the library worked');
  assert.ok(events.some((e) => e.done === 1 && e.total === 1), JSON.stringify(events));
  assert.ok(events.every((e) => e.connection === conn.name));

  const documents = await xero.promises.call('get_documents', { connection: conn.name,
    documents: [{ type: 'sales', kind: 'invoice', number: 'SI-A1001' }] });
  assert.equal(documents.documents[0].found, true);
  const envelope = await xero.promises.callEnvelope('status', { connection: conn.name, request_id: 'r-7' });
  assert.equal(envelope.ok, true);
  assert.equal(envelope.request_id, 'r-7');
});

test('call runs any operation by name; callEnvelope echoes request_id', async () => {
  const conn = await ready(sim, 'call');
  const answer = xero.call('push_contacts', { connection: conn.name, contacts: [debtor('D0100', 'Call Co')],
    request_id: 'r-1' });
  assert.equal(answer.summary.created, 1);
  const envelope = xero.callEnvelope('status', { connection: conn.name, request_id: 7 });
  assert.equal(envelope.ok, true);
  assert.equal(envelope.request_id, 7);
});

test('a dry run writes nothing', async () => {
  const conn = await ready(sim, 'dry');
  const answer = conn.pushInvoices({ dry_run: true, contacts: [debtor('D0200', 'Dry Run Pty')],
    invoices: [invoice('SI-DRY', 'D0200')] });
  assert.equal(answer.dry_run, true);
  const found = conn.getDocuments({ documents: [{ type: 'sales', kind: 'invoice', number: 'SI-DRY' }] });
  assert.equal(found.documents[0].found, false);
});

test('text that is not ASCII travels both ways unchanged', async () => {
  const conn = await ready(sim, 'utf8');
  const name = 'Café Zoë Ōtautahi Ltd ✓ 𝄞';
  const pushed = conn.pushContacts({ contacts: [debtor('DU001', name)] });
  assert.equal(pushed.results[0].outcome, 'created', JSON.stringify(pushed));
  // request_id is echoed as the library read it: in as UTF-8, out as UTF-8.
  assert.equal(xero.callEnvelope('status', { connection: conn.name, request_id: name }).request_id, name);
});
