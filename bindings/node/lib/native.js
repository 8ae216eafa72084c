'use strict';
// Loads libxero_link and declares the functions of include/xero_link.h with koffi; no logic of the library lives
// here. Every string the library returns is copied into a JS string, then freed with xero_string_free exactly
// once. Calls made through `.async` run on koffi's worker threads; log and progress callbacks made on those
// threads are queued by koffi to the main thread, and the worker waits until the JS function has run.

const fs = require('fs');
const path = require('path');
const koffi = require('koffi');

// The ABI version of include/xero_link.h this binding was written for (XERO_ABI_VERSION); test/abi.test.js fails
// when the header moves on, so the binding is reviewed before it accepts another ABI.
const ABI_VERSION = 1;
const LIBRARY_ENV = 'XERO_LINK_LIBRARY';

// The operations with a function of their own in the header (all are reachable through xero_call too).
const OPERATION_FUNCTIONS = [
  'configure', 'authorize_url', 'authenticate', 'connections', 'set_tenant', 'status', 'disconnect',
  'push_invoice', 'push_invoices', 'push_contacts', 'push_items', 'push_credit_notes', 'push_payments',
  'get_accounts', 'get_tax_rates', 'get_tracking_categories', 'get_documents',
];

// koffi runs a native call on a stack of its own: 2 MiB for synchronous calls and 128 KiB for asynchronous ones by
// default. The library is built and tested on ordinary thread stacks (2 MiB for Rust's threads, 8 MiB for a main
// thread); a push, a caught panic and a request nested 127 deep did run in 128 KiB with the debug build, but no
// test bounds its deepest path. So both are raised to 8 MiB (memory is touched only as it is used). koffi takes
// settings only before its first library is loaded: if another module loaded one first, 2 MiB is the least accepted.
const STACK_SIZE = 8 * 1024 * 1024;
const LEAST_STACK_SIZE = 2 * 1024 * 1024;

function configureKoffi() {
  const current = koffi.config();
  if (current.sync_stack_size >= STACK_SIZE && current.async_stack_size >= STACK_SIZE) return;
  try {
    koffi.config({ ...current, sync_stack_size: STACK_SIZE, async_stack_size: STACK_SIZE });
  } catch (e) {
    if (current.sync_stack_size >= LEAST_STACK_SIZE && current.async_stack_size >= LEAST_STACK_SIZE) return;
    throw new Error(
      `xero-link: koffi's call stacks are ${current.sync_stack_size} / ${current.async_stack_size} bytes and can no ` +
      `longer be raised (another module loaded a library with koffi first): require('xero-link') before it, or ` +
      `call koffi.config({sync_stack_size: ${STACK_SIZE}, async_stack_size: ${STACK_SIZE}}) first (${e.message})`);
  }
}

function newest(candidates) {
  let best = null;
  for (const file of candidates) {
    let stat;
    try { stat = fs.statSync(file); } catch { continue; }
    if (stat.isFile() && (best === null || stat.mtimeMs > best.mtimeMs)) best = { file, mtimeMs: stat.mtimeMs };
  }
  return best && best.file;
}

// The repository this package sits in, when installed from a clone (`npm install ./bindings/node` links it).
const REPO = path.resolve(__dirname, '..', '..', '..');

function targetDir() {
  return process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target');
}

// The library to load: $XERO_LINK_LIBRARY; else the newest of the clone's cargo builds (CARGO_TARGET_DIR or
// ./target, release or debug); else libxero_link.so wherever the dynamic loader finds it (an installed library).
function findLibrary() {
  const named = process.env[LIBRARY_ENV];
  if (named) return named;
  const file = process.platform === 'darwin' ? 'libxero_link.dylib'
    : process.platform === 'win32' ? 'xero_link.dll' : 'libxero_link.so';
  const built = newest(['release', 'debug'].map((profile) => path.join(targetDir(), profile, file)));
  return built || file;
}

function load(libraryPath) {
  configureKoffi();
  let lib;
  try {
    lib = koffi.load(libraryPath);
  } catch (e) {
    throw new Error(
      `xero-link: cannot load the library ${libraryPath}: ${e.message}; build it with \`cargo build\` in the ` +
      `clone, or set ${LIBRARY_ENV} to the path of libxero_link.so`);
  }
  let abiVersion;
  try {
    abiVersion = lib.func('uint32_t xero_abi_version(void)');
  } catch (e) {
    throw new Error(`xero-link: ${libraryPath} is not libxero_link (no xero_abi_version)`);
  }
  const found = abiVersion();
  if (found !== ABI_VERSION) {
    throw new Error(
      `xero-link: the library ${libraryPath} has ABI version ${found}, this binding was written for ABI version ` +
      `${ABI_VERSION}; use the binding that matches the library (npm install ./bindings/node from its clone)`);
  }
  try {
    return declare(lib, abiVersion);
  } catch (e) {
    throw new Error(`xero-link: the library ${libraryPath} lacks a function of include/xero_link.h: ${e.message}`);
  }
}

const LogCallback = koffi.proto('void XeroLogCallback(void *user_data, int32_t level, const char *target, const char *message)');
const ProgressCallback = koffi.proto('void XeroProgressCallback(void *user_data, const char *event_json)');
const StateLoadCallback = koffi.proto(
  'int32_t XeroStateLoadCallback(void *user_data, const char *key, void *value_out, void *revision_out)');
const StateCasCallback = koffi.proto(
  'int32_t XeroStateCasCallback(void *user_data, const char *key, int64_t expected_revision, const char *value)');
const StateFreeCallback = koffi.proto('void XeroStateFreeCallback(void *user_data, void *value)');

function declare(lib, abiVersion) {
  // Answers are declared `void *`, not `str`, so the pointer is kept to be freed after it is copied.
  const functions = {};
  for (const name of OPERATION_FUNCTIONS) functions[name] = lib.func(`void *xero_${name}(const char *request_json)`);
  return {
    abiVersion,
    version: lib.func('const char *xero_version(void)'),
    call: lib.func('void *xero_call(const char *operation, const char *request_json)'),
    functions,
    stringFree: lib.func('void xero_string_free(void *s)'),
    setLogCallback: lib.func('int32_t xero_set_log_callback(XeroLogCallback *callback, void *user_data)'),
    setProgressCallback: lib.func('int32_t xero_set_progress_callback(XeroProgressCallback *callback, void *user_data)'),
    setStateStore: lib.func('int32_t xero_set_state_store(XeroStateLoadCallback *load, XeroStateCasCallback *cas, '
      + 'XeroStateFreeCallback *free_fn, void *user_data)'),
  };
}

const libraryPath = findLibrary();
const lib = load(libraryPath);

// How many answers were freed: the memory test checks one free per call.
const counters = { freed: 0 };

// Copies the library's answer and frees it, exactly once.
function take(pointer) {
  if (pointer === null) {
    return '{"ok":false,"error":{"code":"internal","message":"the library returned NULL","retryable":false}}';
  }
  try {
    return koffi.decode(pointer, 'char', -1);
  } finally {
    lib.stringFree(pointer);
    counters.freed += 1;
  }
}

module.exports = {
  ABI_VERSION, LIBRARY_ENV, OPERATION_FUNCTIONS, LogCallback, ProgressCallback, StateLoadCallback, StateCasCallback,
  StateFreeCallback, libraryPath, lib, take, counters,
  findLibrary, koffi,
};
