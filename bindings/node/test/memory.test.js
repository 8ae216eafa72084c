'use strict';
// Every answer is freed exactly once: one xero_string_free per call, and many calls leave the C heap flat.

const test = require('node:test');
const assert = require('node:assert/strict');
const koffi = require('koffi');
const { xero } = require('./helpers');

const counters = xero._native.counters;

// glibc's mallinfo2(): `uordblks` is what malloc has handed out and not had back. V8's heap is not in it.
const MallInfo2 = koffi.struct('MallInfo2', {
  arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t', hblkhd: 'size_t', usmblks: 'size_t',
  fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t',
});
const mallinfo2 = koffi.load('libc.so.6').func('MallInfo2 mallinfo2(void)');

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

test('the C heap stays flat over many calls', () => {
  // Answers of 1 KiB (the request_id is echoed): a leak keeps 2,000 of them, over 2 MiB, every round; the median of
  // five rounds is judged, so that an odd round of the runtime's own malloc traffic does not decide.
  const request = { request_id: 'x'.repeat(1024) };
  const grown = [];
  for (let round = -1; round < 5; round += 1) { // round -1 warms up
    const before = Number(mallinfo2().uordblks);
    for (let i = 0; i < 2000; i += 1) xero.callEnvelope('version', request);
    if (round >= 0) grown.push(Number(mallinfo2().uordblks) - before);
  }
  const median = [...grown].sort((a, b) => a - b)[2];
  assert.ok(median < 1024 * 1024, `the C heap grew by ${grown.join(', ')} bytes in rounds of 2,000 calls`);
});
