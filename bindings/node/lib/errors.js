'use strict';
// The errors xero-link throws: XeroLinkError, and one subclass per error code of the library's envelope (the same
// names as the Python binding's exceptions). test/errors.test.js checks that every code of src/error.rs has one.

class XeroLinkError extends Error {
  // `error` is the envelope's error object: {code, message, path?, retryable, http_status?, ...}. `.message` is
  // "code at path: the library's message"; the library's text alone is `.error.message`.
  constructor(error, requestId) {
    const e = error && typeof error === 'object' ? error : { code: 'internal', message: String(error) };
    const code = String(e.code === undefined ? new.target.code : e.code);
    const where = e.path ? ` at ${e.path}` : '';
    super(`${code}${where}: ${e.message === undefined ? '' : e.message}`);
    this.name = new.target.name;
    this.code = code;
    this.path = e.path === undefined ? null : e.path;
    this.retryable = Boolean(e.retryable);
    this.httpStatus = e.http_status === undefined ? null : e.http_status;
    this.xeroCorrelationId = e.xero_correlation_id === undefined ? null : e.xero_correlation_id;
    this.retryAfter = e.retry_after === undefined ? null : e.retry_after;
    this.limit = e.limit === undefined ? null : e.limit;
    this.errors = e.errors === undefined ? null : e.errors;
    this.requestId = requestId === undefined ? null : requestId;
    this.error = { ...e }; // the whole error object: any other member (e.g. oauth_error) is here
  }
}
XeroLinkError.code = 'unknown';

// code -> class name, in the order of README's table of error codes.
const CLASS_NAMES = {
  bad_json: 'BadJson',
  bad_request: 'BadRequest',
  unknown_operation: 'UnknownOperation',
  not_implemented: 'OperationNotImplemented',
  not_configured: 'NotConfigured',
  function_disabled: 'FunctionDisabled',
  not_authenticated: 'NotAuthenticated',
  reauth_required: 'ReauthRequired',
  auth_failed: 'AuthFailed',
  tenant_not_set: 'TenantNotSet',
  tenant_not_connected: 'TenantNotConnected',
  validation: 'ValidationError',
  rate_limited: 'RateLimited',
  xero_unavailable: 'XeroUnavailable',
  network: 'NetworkError',
  timeout: 'Timeout',
  conflict: 'Conflict',
  not_found: 'NotFound',
  store: 'StoreError',
  internal: 'InternalError',
  xero: 'XeroError', // per record only, inside results[].errors
  dependency: 'DependencyError', // per record only
  uncertain: 'Uncertain', // per record only
};

const ERRORS = {};
const classes = {};
for (const [code, name] of Object.entries(CLASS_NAMES)) {
  // A named class per code, so `instanceof` and stack traces say what went wrong.
  const cls = { [name]: class extends XeroLinkError {} }[name];
  cls.code = code;
  ERRORS[code] = cls;
  classes[name] = cls;
}

// The error for an envelope's error object: its code's class, or XeroLinkError for a code added later.
function errorFrom(error, requestId) {
  const code = error && typeof error === 'object' ? String(error.code) : 'internal';
  const cls = Object.prototype.hasOwnProperty.call(ERRORS, code) ? ERRORS[code] : XeroLinkError;
  return new cls(error, requestId);
}

module.exports = { XeroLinkError, ERRORS, errorFrom, ...classes };
