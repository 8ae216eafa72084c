'use strict';
// Every answer is freed exactly once: one xero_string_free per call, and many calls leave the process's memory flat.

const test = require('node:test');
const assert = require('node:assert/strict');
const { xero } = require('./helpers');

const counters = xero._native.counters;

function calls(n) {
  for (let i = 0; i < n; i += 1) {
    if (i % 2 === 0) xero.callEnvelope('version', { request_id: i });
    else xero.callEnvelope('status', { connection: 'xero-node-memory-never-configured', request_id: i }); // an error
  }
}

test('one free per answer, synchronous and promise calls', async () => {
  const before = counters.freed;
  calls(100);
  await Promise.all(Array.from({ length: 50 }, (_, i) => xero.promises.callEnvelope('version', { request_id: i })));
  assert.equal(counters.freed - before, 150);
});

test('50,000 calls leave memory flat', () => {
  calls(5000); // warm-up: caches, JIT
  global.gc?.();
  const before = process.memoryUsage().rss;
  calls(50000);
  global.gc?.();
  const grown = process.memoryUsage().rss - before;
  // A leaked answer is 100-250 bytes: 50,000 of them would be 5-12 MiB.
  assert.ok(grown < 4 * 1024 * 1024, `RSS grew by ${grown} bytes`);
});
