'use strict';
// Error envelopes come back as thrown errors: one class per error code, with the envelope's details, no secrets.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { xero, startSim, config, newStateDir, debtor, REPO } = require('./helpers');

let sim;
test.before(async () => { sim = await startSim(); });
test.after(async () => { await sim.stop(); });

test('a validation error is thrown with its path, without the secret', () => {
  const conn = new xero.Connection('xero-node-validation');
  const bad = config(sim.endpoints(), newStateDir('validation'), { client_secret: 'TOP-SECRET-VALUE' });
  bad.defaults = { ...bad.defaults, sales_account: '' };
  const e = captured(() => conn.configure(bad));
  assert.ok(e instanceof xero.ValidationError, String(e));
  assert.ok(e instanceof xero.XeroLinkError && e instanceof Error);
  assert.equal(e.code, 'validation');
  assert.equal(e.path, 'defaults.sales_account');
  assert.equal(e.retryable, false);
  assert.ok(e.error.message && e.message.includes(e.error.message));
  const everything = `${e}${e.stack}${JSON.stringify(e)}${JSON.stringify(e.error)}`;
  assert.ok(!everything.includes('TOP-SECRET-VALUE'));
});

test('a function not ticked is function_disabled, synchronously and as a rejected promise', async () => {
  const conn = new xero.Connection('xero-node-disabled');
  conn.configure(config(sim.endpoints(), newStateDir('disabled'), { functions: ['sales_invoices'] }));
  const e = captured(() => conn.pushContacts({ contacts: [debtor()], request_id: 'r-9' }));
  assert.ok(e instanceof xero.FunctionDisabled);
  assert.equal(e.code, 'function_disabled');
  assert.equal(e.requestId, 'r-9');
  assert.equal(e.retryable, false);
  await assert.rejects(conn.promises.pushContacts({ contacts: [debtor()] }), xero.FunctionDisabled);
});

test('other codes have their classes', async () => {
  assert.throws(() => xero.call('no_such_operation', {}), xero.UnknownOperation);
  assert.throws(() => new xero.Connection('xero-never-configured').status(), xero.NotConfigured);
  const e = captured(() => xero.call('status', { connection: 'x', unknown_member: 1 }));
  assert.ok(e instanceof xero.BadRequest && e.path !== null, String(e));
  // A panic inside the library, caught at its boundary: the host lives on.
  assert.throws(() => xero.call('debug_panic', { confirm: 'panic' }), xero.InternalError);
  await assert.rejects(xero.promises.call('debug_panic', { confirm: 'panic' }), xero.InternalError);
  assert.equal(xero.call('version', {}).abi_version, xero.ABI_VERSION);
});

test('requests that are not objects are refused before the library', () => {
  assert.throws(() => xero.call('status', 'not an object'), TypeError);
  assert.throws(() => xero.call('status', [1]), TypeError);
  assert.throws(() => xero.call('status', { connection: 'x', n: 1n }), TypeError); // BigInt: no JSON
  assert.throws(() => xero.call('status', {}, { progress: 'no' }), TypeError);
});

test('every code of the library has a class', () => {
  const source = fs.readFileSync(path.join(REPO, 'src', 'error.rs'), 'utf8');
  const rustCodes = [...source.matchAll(/ErrorCode::\w+ => "(\w+)"/g)].map((m) => m[1]).sort();
  assert.ok(rustCodes.length > 0, 'codes found in src/error.rs');
  assert.deepEqual(Object.keys(xero.ERRORS).sort(), rustCodes);
  for (const [code, cls] of Object.entries(xero.ERRORS)) {
    const e = xero.errorFrom({ code, message: 'm', retryable: false });
    assert.equal(Object.getPrototypeOf(e), cls.prototype);
    assert.equal(e.code, code);
    assert.equal(e.name, cls.name);
  }
  const later = xero.errorFrom({ code: 'added_in_a_later_version', message: 'm' });
  assert.equal(Object.getPrototypeOf(later), xero.XeroLinkError.prototype);
  assert.equal(later.code, 'added_in_a_later_version');
});

test('rate_limited carries its details', () => {
  const e = xero.errorFrom({ code: 'rate_limited', message: 'minute limit', retryable: true, retry_after: 12,
    limit: 'minute', http_status: 429 });
  assert.ok(e instanceof xero.RateLimited);
  assert.deepEqual([e.retryAfter, e.limit, e.httpStatus, e.retryable], [12, 'minute', 429, true]);
});

function captured(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('did not throw');
}
