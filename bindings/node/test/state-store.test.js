'use strict';
// The sign-in state kept in the host's own store: written there, read back (from synchronous and promise calls), and
// a failing store is an error, never a write.

const test = require('node:test');
const assert = require('node:assert/strict');
const { xero, startSim, config, newStateDir, consent, debtor, ORG } = require('./helpers');

let sim;
test.before(async () => { sim = await startSim(); });
test.after(async () => {
  xero.setStateStore(null);
  await sim.stop();
});
test.afterEach(() => xero.setStateStore(null));

/** A store in memory, as a host keeps one in its database. */
function memoryStore() {
  const entries = new Map();
  return {
    entries,
    load(key) { return entries.get(key) || null; },
    cas(key, expectedRevision, value) {
      const current = entries.get(key);
      if ((current ? current.revision : 0) !== expectedRevision) return false;
      entries.set(key, { value, revision: expectedRevision + 1 });
      return true;
    },
  };
}

function configured(name) {
  const conn = new xero.Connection(name);
  conn.configure(config(sim.endpoints(), newStateDir('host-store'), { state_store: 'host' }));
  return conn;
}

test('the sign-in lives in the host\'s store', async () => {
  const store = memoryStore();
  xero.setStateStore(store);
  const conn = configured('xero-node-host-store');
  conn.authenticate({ callback_url: await consent(conn.authorizeUrl().url) });
  await conn.promises.setTenant({ tenant_name: ORG }); // store callbacks relayed from a worker thread
  const status = conn.status();
  assert.equal(status.state_store, 'host');
  assert.equal(status.signed_in, true);
  const entry = store.entries.get('auth/xero-node-host-store');
  assert.ok(entry && entry.revision >= 2, 'written, then written again');
  assert.ok(!entry.value.includes('sim-secret'));
  const pushed = await conn.promises.pushContacts({ contacts: [debtor('DH001', 'Host Store Ltd')] });
  assert.equal(pushed.results[0].outcome, 'created');
  assert.equal(xero._lentStateValues(), 0, 'every value lent to the library came back to free_fn');
});

test('a store that throws is a store error, never a write', async () => {
  const store = memoryStore();
  store.cas = () => { throw new Error('the database is down'); };
  xero.setStateStore(store);
  const conn = configured('xero-node-host-store-down');
  const warnings = [];
  const onWarning = (w) => warnings.push(String(w.message));
  process.on('warning', onWarning);
  try {
    assert.throws(() => conn.authorizeUrl(), (e) => e instanceof xero.StoreError && e.retryable === true);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener('warning', onWarning);
  }
  assert.equal(store.entries.size, 0);
  assert.ok(warnings.some((w) => w.includes('the database is down')), JSON.stringify(warnings));
});

test('a store that answers nonsense is a store error', () => {
  xero.setStateStore({ load: () => ({ value: 42, revision: 0 }), cas: () => 'yes' });
  const conn = configured('xero-node-host-store-nonsense');
  assert.throws(() => conn.authorizeUrl(), xero.StoreError);
  assert.throws(() => conn.status(), xero.StoreError);
  assert.equal(xero._lentStateValues(), 0);
});

test('no store registered is a clear error; a store without cas is refused', () => {
  const conn = configured('xero-node-host-store-none');
  assert.throws(() => conn.status(), (e) => e instanceof xero.StoreError && e.message.includes('xero_set_state_store'));
  assert.throws(() => xero.setStateStore({ load() { return null; } }), TypeError);
});
