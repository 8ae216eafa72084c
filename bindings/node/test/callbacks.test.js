'use strict';
// Log records reach the log handler, progress reaches the call's own function (synchronous and promise calls), a
// function that throws harms nothing, and the calls that could deadlock or re-enter the library are refused.

const test = require('node:test');
const assert = require('node:assert/strict');
const { xero, startSim, ready, debtor } = require('./helpers');

let sim;
let conn;
test.before(async () => {
  sim = await startSim();
  conn = await ready(sim, 'callbacks');
});
test.after(async () => {
  xero.setLogHandler(null);
  await sim.stop();
});

function withLogs(level, fn) {
  const records = [];
  xero.setLogHandler((r) => records.push(r));
  const previous = xero.setLogLevel(level).previous;
  return Promise.resolve().then(fn).finally(() => {
    xero.setLogLevel(previous);
    xero.setLogHandler(null);
  }).then(() => records);
}

test('log records reach the handler with their level and target', async () => {
  const records = await withLogs('debug', () => {
    conn.status();
    conn.connections();
  });
  assert.ok(records.length > 0, 'the library\'s records arrive');
  assert.ok(records.every((r) => ['error', 'warn', 'info', 'debug', 'trace'].includes(r.level)));
  assert.ok(records.every((r) => r.target.startsWith('xero_link')), JSON.stringify(records));
  assert.ok(records.some((r) => r.message.includes('GET') && r.message.includes('/connections')),
    JSON.stringify(records.map((r) => r.message)));
  assert.ok(!JSON.stringify(records).includes('sim-secret'));
});

test('log records of promise calls arrive too (relayed from the worker thread)', async () => {
  const records = await withLogs('debug', () => conn.promises.connections());
  assert.ok(records.some((r) => r.message.includes('/connections')), JSON.stringify(records.map((r) => r.message)));
});

test('no handler: nothing is delivered', async () => {
  const seen = [];
  xero.setLogHandler((r) => seen.push(r));
  xero.setLogHandler(null);
  conn.connections();
  assert.deepEqual(seen, []);
});

test('a progress function that throws does not stop the push', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(String(w.message));
  process.on('warning', onWarning);
  const calls = [];
  try {
    const answer = conn.pushContacts({ contacts: [debtor('D0300', 'Raising Progress Ltd')] }, {
      progress(event) {
        calls.push(event);
        throw new Error('the host\'s progress bar broke');
      },
    });
    assert.equal(answer.results[0].outcome, 'created');
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.removeListener('warning', onWarning);
  }
  assert.ok(calls.length > 0, 'the function was called');
  assert.ok(warnings.some((w) => w.includes('progress bar broke')), JSON.stringify(warnings));
});

test('a log handler that throws does not stop the call', async () => {
  xero.setLogHandler(() => { throw new Error('handler'); });
  try {
    assert.ok(conn.connections().connections.length > 0);
    assert.ok((await conn.promises.connections()).connections.length > 0);
  } finally {
    xero.setLogHandler(null);
  }
});

test('a callback must not call the library synchronously', () => {
  const seen = [];
  conn.pushContacts({ contacts: [debtor('D0302', 'Reentrant Ltd')] }, {
    progress() {
      try {
        conn.status();
      } catch (e) {
        seen.push(e.message);
      }
    },
  });
  assert.ok(seen.length > 0 && seen[0].includes('must not call xero-link synchronously'), JSON.stringify(seen));
});

test('a synchronous call while promise calls run is refused, not deadlocked', async () => {
  const running = conn.promises.status();
  assert.throws(() => conn.status(), /could deadlock/);
  assert.equal((await running).signed_in, true);
  assert.equal(conn.status().signed_in, true, 'allowed again once they settled');
});

test('progress goes only to the call\'s own function', async () => {
  const mine = [];
  conn.pushContacts({ contacts: [debtor('D0303', 'Mine Ltd')] }, { progress: (e) => mine.push(e) });
  const count = mine.length;
  conn.pushContacts({ contacts: [debtor('D0304', 'Nobody\'s Ltd')] }); // no function: nothing delivered to `mine`
  assert.equal(mine.length, count);
  assert.equal(mine.at(-1).done, 1);
  assert.equal(mine.at(-1).total, 1);

  const other = await ready(sim, 'callbacks-other');
  const a = [];
  const b = [];
  await Promise.all([
    conn.promises.pushContacts({ contacts: [debtor('D0305', 'A Ltd')] }, { progress: (e) => a.push(e) }),
    other.promises.pushContacts({ contacts: [debtor('D0306', 'B Ltd')] }, { progress: (e) => b.push(e) }),
  ]);
  assert.ok(a.length > 0 && b.length > 0);
  assert.ok(a.every((e) => e.connection === conn.name), JSON.stringify(a));
  assert.ok(b.every((e) => e.connection === other.name), JSON.stringify(b));
});
