'use strict';
// The binding refuses a library of another ABI version, declares exactly the header's functions, and finds the
// library cargo built.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { xero, BINDING, REPO, targetDir } = require('./helpers');

const HEADER = fs.readFileSync(path.join(REPO, 'include', 'xero_link.h'), 'utf8');
const CC = process.env.CC || 'cc';
const hasCC = spawnSync(CC, ['--version']).status === 0;

test('the binding was written for the header\'s ABI', () => {
  const found = HEADER.match(/#define XERO_ABI_VERSION (\d+)/);
  assert.ok(found);
  assert.equal(Number(found[1]), xero.ABI_VERSION,
    'include/xero_link.h has a new ABI version: review the binding, then raise ABI_VERSION in lib/native.js');
});

test('the binding declares the header\'s functions', () => {
  const header = new Set([...HEADER.matchAll(/\b(xero_\w+)\(/g)].map((m) => m[1]));
  const declared = new Set(['xero_version', 'xero_abi_version', 'xero_call', 'xero_string_free',
    'xero_set_log_callback', 'xero_set_progress_callback', 'xero_set_state_store',
    ...xero._native.OPERATION_FUNCTIONS.map((name) => `xero_${name}`)]);
  assert.deepEqual([...declared].sort(), [...header].sort());
});

function load(env) {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(BINDING)})`],
    { env: { ...process.env, ...env }, encoding: 'utf8' });
}

test('a library of another ABI is refused at load, naming both versions and the path', { skip: !hasCC && 'no C compiler' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xero-link-node-abi-'));
  const source = path.join(dir, 'other.c');
  fs.writeFileSync(source, 'unsigned int xero_abi_version(void) { return 999; }\n'
    + 'const char *xero_version(void) { return "9.9.9"; }\n');
  const library = path.join(dir, 'libxero_link_other.so');
  execFileSync(CC, ['-shared', '-fPIC', '-o', library, source]);
  const run = load({ XERO_LINK_LIBRARY: library });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /has ABI version 999, this binding was written for ABI version 1/);
  assert.ok(run.stderr.includes(library), run.stderr);
});

test('a file that is not the library is refused clearly', () => {
  const run = load({ XERO_LINK_LIBRARY: '/nonexistent/libxero_link.so' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /cannot load the library \/nonexistent\/libxero_link\.so/);
});

test('without XERO_LINK_LIBRARY the library is found in the cargo target directory', () => {
  const env = { ...process.env };
  delete env.XERO_LINK_LIBRARY;
  const run = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(BINDING)}).libraryPath)`],
    { env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stdout.trim().startsWith(targetDir() + path.sep), run.stdout);
});
