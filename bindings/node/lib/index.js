'use strict';
// xero-link for Node.js: libxero_link's C ABI through koffi. Synchronous calls (`call`, `Connection`'s methods)
// and promise calls (`promises.call`, `connection.promises`) that run on koffi's worker threads, off the event
// loop. An error answer is thrown (or rejected) as the XeroLinkError subclass of its code. Nothing here
// reimplements the library: each call is one function of include/xero_link.h.

const native = require('./native');
const errors = require('./errors');

const { lib, take, koffi } = native;

const LOG_LEVELS = { 1: 'error', 2: 'warn', 3: 'info', 4: 'debug', 5: 'trace' };

// What the callbacks need to know about the calls running now.
const state = {
  inCallback: false, // a log or progress function is running: it must not call the library synchronously
  pending: 0, // promise calls not yet settled
  syncProgress: null, // the progress function of the synchronous call running now
  asyncProgress: new Map(), // connection -> Set of progress functions of the promise calls running on it
  progressUsers: 0, // calls running with a progress function: the library's callback is installed while > 0
  logHandler: null,
};

function guarded(what, fn) {
  // Nothing a JS function throws reaches the library: it is reported on stderr and the call goes on.
  state.inCallback = true;
  try {
    fn();
  } catch (e) {
    try {
      process.emitWarning(`xero-link: the ${what} function threw; ignored: ${e && e.stack ? e.stack : e}`);
    } catch { /* nothing may escape */ }
  } finally {
    state.inCallback = false;
  }
}

// Installed for the life of the process: koffi's registered callbacks stay valid until unregistered, and a call
// on a worker thread may still be about to use one.
const logCallback = koffi.register((userData, level, target, message) => {
  const handler = state.logHandler;
  if (handler === null || state.inCallback) return;
  guarded('log', () => handler({ level: LOG_LEVELS[level] || 'info', target: target || '', message: message || '' }));
}, koffi.pointer(native.LogCallback));

const progressCallback = koffi.register((userData, eventJson) => {
  if (eventJson === null) return;
  let event;
  try { event = JSON.parse(eventJson); } catch { return; }
  if (state.syncProgress !== null) {
    const fn = state.syncProgress;
    guarded('progress', () => fn(event));
    return;
  }
  // A promise call's event: the library's events name the connection, not the call.
  const fns = state.asyncProgress.get(event.connection);
  if (!fns) return;
  for (const fn of [...fns]) guarded('progress', () => fn(event));
}, koffi.pointer(native.ProgressCallback));

function progressStarted() {
  if (state.progressUsers++ === 0) lib.setProgressCallback(progressCallback, null);
}

function progressEnded() {
  if (--state.progressUsers === 0) lib.setProgressCallback(null, null);
}

function checkProgress(progress) {
  if (progress !== undefined && progress !== null && typeof progress !== 'function') {
    throw new TypeError('xero-link: progress must be a function');
  }
  return progress || null;
}

function encode(request) {
  if (request === undefined) request = {};
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new TypeError('xero-link: a request is a plain object');
  }
  return JSON.stringify(request);
}

function invoker(operation) {
  const own = Object.prototype.hasOwnProperty.call(lib.functions, operation) ? lib.functions[operation] : null;
  return own ? [own, []] : [lib.call, [String(operation)]];
}

// Runs `operation` on the JSON text `body` on this thread; returns the envelope's JSON text.
function rawSync(operation, body, progress) {
  if (state.inCallback) {
    throw new Error('xero-link: a log or progress function must not call xero-link synchronously');
  }
  if (state.pending > 0) {
    // The library may hold a lock while a worker waits for the event loop to run a callback: waiting here for
    // that lock would never end.
    throw new Error('xero-link: a synchronous call while promise calls are running could deadlock; await them ' +
      'first, or use the promise API for this call too');
  }
  const [fn, args] = invoker(operation);
  if (progress) {
    state.syncProgress = progress;
    progressStarted();
  }
  let pointer;
  try {
    pointer = fn(...args, body);
  } finally {
    if (progress) {
      state.syncProgress = null;
      progressEnded();
    }
  }
  return take(pointer);
}

// Runs `operation` on a koffi worker thread; resolves to the envelope's JSON text.
function rawAsync(operation, body, progress, connection) {
  const [fn, args] = invoker(operation);
  return new Promise((resolve, reject) => {
    let fns = null;
    if (progress) {
      fns = state.asyncProgress.get(connection);
      if (!fns) state.asyncProgress.set(connection, (fns = new Set()));
      fns.add(progress);
      progressStarted();
    }
    const done = () => {
      state.pending -= 1;
      if (fns) {
        fns.delete(progress);
        if (fns.size === 0 && state.asyncProgress.get(connection) === fns) state.asyncProgress.delete(connection);
        progressEnded();
      }
    };
    state.pending += 1;
    try {
      fn.async(...args, body, (err, pointer) => {
        done();
        if (err) reject(err);
        else {
          try { resolve(take(pointer)); } catch (e) { reject(e); }
        }
      });
    } catch (e) {
      done();
      reject(e);
    }
  });
}

function result(answer) {
  if (answer && answer.ok === true) return answer.result;
  const error = answer && answer.error ? answer.error : { code: 'internal', message: 'not an envelope' };
  throw errors.errorFrom(error, answer ? answer.request_id : undefined);
}

function options(opts) {
  return checkProgress(opts && opts.progress);
}

/** Runs `operation` and returns the whole envelope ({ok, result} or {ok, error}) without throwing. */
function callEnvelope(operation, request, opts) {
  return JSON.parse(rawSync(operation, encode(request), options(opts)));
}

/** Runs `operation` (any name README lists) and returns its `result`; an error answer is thrown. */
function call(operation, request, opts) {
  return result(callEnvelope(operation, request, opts));
}

const promises = {
  /** callEnvelope, off the event loop. */
  async callEnvelope(operation, request, opts) {
    const body = encode(request);
    const progress = options(opts);
    return JSON.parse(await rawAsync(operation, body, progress, request && request.connection));
  },
  /** call, off the event loop. */
  async call(operation, request, opts) {
    return result(await promises.callEnvelope(operation, request, opts));
  },
};

function version() {
  return lib.version();
}

function abiVersion() {
  return lib.abiVersion();
}

/** Which records the library sends to the log handler: error, warn, info (default), debug, trace. */
function setLogLevel(level) {
  return call('set_log_level', { level });
}

/** Sends the library's log records to `handler({level, target, message})`; null stops them. */
function setLogHandler(handler) {
  if (handler !== null && typeof handler !== 'function') throw new TypeError('xero-link: a log handler is a function');
  state.logHandler = handler;
  lib.setLogCallback(handler === null ? null : logCallback, null);
}

const STATE_OK = 0;
const STATE_NOT_FOUND = 1;
const STATE_CONFLICT = 2;
const STATE_ERROR = -1;

// Values handed to the library by the host store's load, by address, until the library gives each back (free_fn).
const lent = new Set();
let stateStore = null;

function storeFailed(what, e) {
  try {
    process.emitWarning(`xero-link: the state store's ${what} failed: ${e && e.message ? e.message : e}`);
  } catch { /* nothing may escape */ }
}

// Registered once, for the life of the process (a call on a worker thread may still be about to use them); they
// serve whichever store is registered now.
const stateLoadCallback = koffi.register((userData, key, valueOut, revisionOut) => {
  const store = stateStore;
  if (store === null || state.inCallback) return STATE_ERROR;
  state.inCallback = true;
  try {
    const got = store.load(key);
    if (got === null || got === undefined) return STATE_NOT_FOUND;
    if (typeof got.value !== 'string' || !Number.isSafeInteger(got.revision) || got.revision < 1) {
      storeFailed('load', new Error(`load(${key}) returned no {value: string, revision >= 1}`));
      return STATE_ERROR;
    }
    const bytes = Buffer.from(got.value, 'utf8');
    const buffer = koffi.alloc('uint8_t', bytes.length + 1);
    new Uint8Array(koffi.view(buffer, bytes.length + 1)).set([...bytes, 0]);
    lent.add(koffi.address(buffer));
    koffi.encode(valueOut, 'void *', buffer);
    koffi.encode(revisionOut, 'int64_t', BigInt(got.revision));
    return STATE_OK;
  } catch (e) {
    storeFailed('load', e);
    return STATE_ERROR;
  } finally {
    state.inCallback = false;
  }
}, koffi.pointer(native.StateLoadCallback));

const stateCasCallback = koffi.register((userData, key, expectedRevision, value) => {
  const store = stateStore;
  if (store === null || state.inCallback) return STATE_ERROR;
  state.inCallback = true;
  try {
    const written = store.cas(key, Number(expectedRevision), value);
    if (written === true) return STATE_OK;
    if (written === false) return STATE_CONFLICT;
    // Anything but true or false is an error: never "written" by mistake.
    storeFailed('cas', new Error(`cas(${key}) returned ${typeof written}, not true or false`));
    return STATE_ERROR;
  } catch (e) {
    storeFailed('cas', e);
    return STATE_ERROR;
  } finally {
    state.inCallback = false;
  }
}, koffi.pointer(native.StateCasCallback));

const stateFreeCallback = koffi.register((userData, value) => {
  if (value === null) return;
  const address = koffi.address(value);
  if (lent.delete(address)) koffi.free(value);
}, koffi.pointer(native.StateFreeCallback));

/**
 * Registers the process's host state store, for connections configured with `"state_store": "host"`: an object
 * with synchronous `load(key)` -> `{value, revision}` or null and `cas(key, expectedRevision, value)` -> true or
 * false (see README "State kept by the host"). null removes it. A method that throws is a store failure: the
 * operation fails with StoreError (retryable), never a false "written".
 */
function setStateStore(store) {
  if (store !== null && (typeof store !== 'object' || typeof store.load !== 'function' || typeof store.cas !== 'function')) {
    throw new TypeError('xero-link: a state store has load(key) and cas(key, expectedRevision, value)');
  }
  stateStore = store;
  const rc = store === null ? lib.setStateStore(null, null, null, null)
    : lib.setStateStore(stateLoadCallback, stateCasCallback, stateFreeCallback, null);
  if (rc !== 0) throw new Error('xero-link: xero_set_state_store refused the callbacks');
}

// Operation name -> method name (push_invoices -> pushInvoices).
function camel(operation) {
  return operation.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

const CONNECTION_OPERATIONS = [
  'configure', 'authorize_url', 'authenticate', 'connections', 'set_tenant', 'status', 'disconnect',
  'export_state', 'import_state', 'push_contacts', 'push_items', 'push_invoice', 'push_invoices',
  'push_credit_notes', 'push_payments', 'get_accounts', 'get_tax_rates', 'get_tracking_categories',
  'get_documents',
];

/**
 * One named connection (`xero-{namespace}`): one method per operation, taking the request's members (less
 * `connection`, which is the Connection's) and an optional `{progress}`. `connection.promises` has the same
 * methods, returning promises. The object holds only the name.
 */
class Connection {
  constructor(name) {
    if (typeof name !== 'string') throw new TypeError('xero-link: a connection name is a string');
    this.name = name;
    const self = this;
    this.promises = {};
    for (const operation of CONNECTION_OPERATIONS) {
      this.promises[camel(operation)] = (fields, opts) =>
        promises.call(operation, { ...fields, connection: self.name }, opts);
    }
    Object.freeze(this.promises);
  }
}
for (const operation of CONNECTION_OPERATIONS) {
  Connection.prototype[camel(operation)] = function (fields, opts) {
    return call(operation, { ...fields, connection: this.name }, opts);
  };
}

module.exports = {
  ABI_VERSION: native.ABI_VERSION,
  LIBRARY_ENV: native.LIBRARY_ENV,
  libraryPath: native.libraryPath,
  version,
  abiVersion,
  call,
  callEnvelope,
  promises,
  setLogLevel,
  setLogHandler,
  setStateStore,
  Connection,
  CONNECTION_OPERATIONS,
  ...errors,
  _native: native, // for the binding's tests (freed-string count)
  _lentStateValues: () => lent.size, // for the binding's tests: values the library has not given back
};
