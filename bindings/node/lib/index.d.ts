// The API of the xero-link package (lib/index.js). The request and result types come from lib/types.d.ts,
// generated from schemas/; operations without a published schema take and give plain JSON objects.

import type {
  AccountsResponse, GetDocumentsArguments, GetDocumentsResponse, LookupArguments, PushContactsArguments,
  PushCreditNotesArguments, PushInvoiceArguments, PushInvoicesArguments, PushItemsArguments, PushPaymentsArguments,
  PushResponse, TaxRatesResponse, TrackingCategoriesResponse,
} from './types';

export * from './types';

/** A JSON object as the library takes and gives it. */
export type JsonObject = { [member: string]: unknown };

/** A progress event: `done` of `total` records settled; `waiting_seconds` and `limit` while a Xero limit holds it. */
export interface ProgressEvent {
  operation: string;
  connection: string;
  done: number;
  total: number;
  waiting_seconds?: number;
  limit?: 'minute' | 'day' | 'concurrent' | 'app_minute';
}

export interface CallOptions {
  /** Receives this call's progress events, on the main thread. Must not call xero-link synchronously. */
  progress?: (event: ProgressEvent) => void;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface LogRecord {
  level: LogLevel;
  /** The library's module, e.g. `xero_link::transport`. */
  target: string;
  message: string;
}

export interface Envelope<R = JsonObject> {
  ok: boolean;
  result?: R;
  error?: ErrorObject;
  request_id?: unknown;
}

export interface ErrorObject {
  code: string;
  message: string;
  path?: string | null;
  retryable: boolean;
  [member: string]: unknown;
}

/** The ABI version of include/xero_link.h this binding was written for. */
export const ABI_VERSION: number;
/** The environment variable naming the library to load. */
export const LIBRARY_ENV: 'XERO_LINK_LIBRARY';
/** The path of the loaded libxero_link. */
export const libraryPath: string;
export function version(): string;
export function abiVersion(): number;

/** Runs any operation by name and returns its `result`; an error answer is thrown as the XeroLinkError of its code. */
export function call(operation: string, request?: JsonObject, options?: CallOptions): any;
/** Runs any operation by name and returns the whole envelope, errors included, without throwing. */
export function callEnvelope(operation: string, request?: JsonObject, options?: CallOptions): Envelope<any>;

/** The same calls, run on a worker thread: the event loop goes on meanwhile. */
export const promises: {
  call(operation: string, request?: JsonObject, options?: CallOptions): Promise<any>;
  callEnvelope(operation: string, request?: JsonObject, options?: CallOptions): Promise<Envelope<any>>;
};

/** Which records the library sends to the log handler (default info); returns `{level, previous}`. */
export function setLogLevel(level: LogLevel): { level: LogLevel; previous: LogLevel };
/** Sends the library's log records to `handler`; null stops them. */
export function setLogHandler(handler: ((record: LogRecord) => void) | null): void;

interface Operations<W> {
  configure(config: JsonObject): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  authorizeUrl(fields?: JsonObject): W extends 'sync' ? { url: string; state: string; expires_at: string } : Promise<{ url: string; state: string; expires_at: string }>;
  authenticate(fields?: JsonObject): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  connections(fields?: JsonObject): W extends 'sync' ? { connections: JsonObject[] } : Promise<{ connections: JsonObject[] }>;
  setTenant(fields: { tenant_id?: string; tenant_name?: string; [member: string]: unknown }): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  status(fields?: JsonObject): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  disconnect(fields?: JsonObject): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  exportState(fields?: JsonObject): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  importState(fields: JsonObject): W extends 'sync' ? JsonObject : Promise<JsonObject>;
  pushContacts(request: PushContactsArguments, options?: CallOptions): W extends 'sync' ? PushResponse : Promise<PushResponse>;
  pushItems(request: PushItemsArguments, options?: CallOptions): W extends 'sync' ? PushResponse : Promise<PushResponse>;
  pushInvoice(request: PushInvoiceArguments, options?: CallOptions): W extends 'sync' ? PushResponse : Promise<PushResponse>;
  pushInvoices(request: PushInvoicesArguments, options?: CallOptions): W extends 'sync' ? PushResponse : Promise<PushResponse>;
  pushCreditNotes(request: PushCreditNotesArguments, options?: CallOptions): W extends 'sync' ? PushResponse : Promise<PushResponse>;
  pushPayments(request: PushPaymentsArguments, options?: CallOptions): W extends 'sync' ? PushResponse : Promise<PushResponse>;
  getAccounts(request?: LookupArguments): W extends 'sync' ? AccountsResponse : Promise<AccountsResponse>;
  getTaxRates(request?: LookupArguments): W extends 'sync' ? TaxRatesResponse : Promise<TaxRatesResponse>;
  getTrackingCategories(request?: LookupArguments): W extends 'sync' ? TrackingCategoriesResponse : Promise<TrackingCategoriesResponse>;
  getDocuments(request: GetDocumentsArguments): W extends 'sync' ? GetDocumentsResponse : Promise<GetDocumentsResponse>;
}

/** A host store for the sign-in state of connections configured with `"state_store": "host"`. Synchronous. */
export interface StateStore {
  /** The value stored under `key` and its revision (1 or more), or null when nothing is. */
  load(key: string): { value: string; revision: number } | null;
  /** Stores `value` with revision `expectedRevision + 1` iff the key's revision is `expectedRevision` (0: absent). */
  cas(key: string, expectedRevision: number, value: string): boolean;
}
/** Registers the process's host state store; null removes it. */
export function setStateStore(store: StateStore | null): void;

/** One named connection (`xero-{namespace}`): one method per operation; `promises` has the same, returning promises. */
export interface Connection extends Operations<'sync'> {}
export class Connection {
  constructor(name: string);
  readonly name: string;
  readonly promises: Operations<'promise'>;
}

/** An operation answered `{"ok": false, "error": {...}}`. */
export class XeroLinkError extends Error {
  static readonly code: string;
  readonly code: string;
  readonly path: string | null;
  readonly retryable: boolean;
  readonly httpStatus: number | null;
  readonly xeroCorrelationId: string | null;
  readonly retryAfter: number | null;
  readonly limit: string | null;
  readonly errors: unknown[] | null;
  readonly requestId: unknown;
  /** The whole error object of the envelope. */
  readonly error: ErrorObject;
  constructor(error: ErrorObject, requestId?: unknown);
}
export class BadJson extends XeroLinkError {}
export class BadRequest extends XeroLinkError {}
export class UnknownOperation extends XeroLinkError {}
export class OperationNotImplemented extends XeroLinkError {}
export class NotConfigured extends XeroLinkError {}
export class FunctionDisabled extends XeroLinkError {}
export class NotAuthenticated extends XeroLinkError {}
export class ReauthRequired extends XeroLinkError {}
export class AuthFailed extends XeroLinkError {}
export class TenantNotSet extends XeroLinkError {}
export class TenantNotConnected extends XeroLinkError {}
export class ValidationError extends XeroLinkError {}
export class RateLimited extends XeroLinkError {}
export class XeroUnavailable extends XeroLinkError {}
export class NetworkError extends XeroLinkError {}
export class Timeout extends XeroLinkError {}
export class Conflict extends XeroLinkError {}
export class NotFound extends XeroLinkError {}
export class StoreError extends XeroLinkError {}
export class InternalError extends XeroLinkError {}
export class XeroError extends XeroLinkError {}
export class DependencyError extends XeroLinkError {}
export class Uncertain extends XeroLinkError {}
/** code -> class */
export const ERRORS: { [code: string]: typeof XeroLinkError };
/** The error for an envelope's error object: its code's class, or XeroLinkError for a code added later. */
export function errorFrom(error: ErrorObject, requestId?: unknown): XeroLinkError;
