// Types of every request and result of xero-link with a published JSON Schema; GENERATED, do not edit.
// Made by tools/gen-types.js from the repository's schemas/ directory; test/types.test.js fails when this file
// is stale. Operations without a published schema (version, configure, set_log_level, authorize_url, authenticate, connections, set_tenant, status, disconnect, export_state, import_state, debug_panic)
// take and give plain JSON objects.

export interface ErpAddress {
  attention_to?: string | null;
  city?: string | null;
  country?: string | null;
  /**
   * Up to 4 lines of ≤ 500 characters.
   */
  lines?: string[];
  postal_code?: string | null;
  region?: string | null;
}

export type ContactRole = "debtor" | "creditor";

/**
 * A debtor (customer) or creditor (supplier), keyed by its ERP code (Xero `ContactNumber`).
 */
export interface ErpContact {
  /**
   * Xero `AccountNumber` (≤ 50).
   */
  account_number?: string | null;
  /**
   * Postal address (Xero `POBOX` address).
   */
  address?: ErpAddress | null;
  /**
   * The ERP's debtor or creditor code: Xero `ContactNumber` (1–50 characters). Debtors and creditors share one
   * code space in Xero: a code names one contact.
   */
  code: string;
  /**
   * Company registration number (≤ 50).
   */
  company_number?: string | null;
  /**
   * Default currency, ISO 4217 (e.g. `NZD`).
   */
  currency?: string | null;
  email?: string | null;
  fax?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  mobile?: string | null;
  /**
   * Xero `Name` (1–255), unique among Xero's active contacts.
   */
  name: string;
  phone?: string | null;
  /**
   * `debtor` (needs the `debtors` function) or `creditor` (needs `creditors`).
   */
  role: ContactRole;
  /**
   * Street address (Xero `STREET` address).
   */
  street_address?: ErpAddress | null;
  /**
   * ABN / GST / VAT / tax id number (≤ 50).
   */
  tax_number?: string | null;
  xero?: { [member: string]: unknown } | null;
}

/**
 * `push_contacts`: debtors and creditors.
 */
export interface PushContactsRequest {
  connection: string;
  contacts: ErpContact[];
  deadline_ms?: number | null;
  /**
   * Check and report what would happen; write nothing.
   */
  dry_run?: boolean;
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * `push_contacts`: debtors and creditors.
 */
export interface PushContactsArguments {
  contacts: ErpContact[];
  deadline_ms?: number | null;
  /**
   * Check and report what would happen; write nothing.
   */
  dry_run?: boolean;
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * Stable machine codes. The string forms are the public contract (documented in README.md and the header);
 * codes are only ever added, never renamed or reused.
 */
export type ErrorCode = "bad_json" | "bad_request" | "unknown_operation" | "not_implemented" | "not_configured" | "function_disabled" | "not_authenticated" | "reauth_required" | "auth_failed" | "tenant_not_set" | "tenant_not_connected" | "validation" | "rate_limited" | "xero_unavailable" | "network" | "timeout" | "conflict" | "not_found" | "store" | "internal" | "xero" | "dependency" | "uncertain";

/**
 * One problem with a record.
 */
export interface RecordError {
  /**
   * `validation` (ours), `xero` (Xero's validation message), `conflict` (Xero's state forbids the change),
   * `dependency` (a contact / item / document it needs is not in Xero), `function_disabled`, `uncertain`, or the
   * code of a failed call (`network`, `rate_limited`, `timeout`, ...): one vocabulary with the call's codes.
   */
  code: ErrorCode;
  message: string;
  /**
   * Request path of the offending field, e.g. `invoices[3].lines[2].quantity`; the record's own path
   * (`invoices[3]`) when the problem names no field (Xero's validation messages, failed calls).
   */
  path?: string | null;
}

/**
 * What happened to one record (in a dry run: what would happen).
 */
export type Outcome = "created" | "updated" | "failed" | "unchanged" | "uncertain";

/**
 * Xero's totals of a document, exact, as strings (`"115.00"`).
 */
export interface DocumentTotals {
  amount_due?: string | null;
  sub_total?: string | null;
  total?: string | null;
  total_tax?: string | null;
}

/**
 * The result of one record, in input order.
 */
export interface RecordResult {
  /**
   * Credit notes: one result per allocation, in input order.
   */
  allocations?: RecordResult[] | null;
  errors: RecordError[];
  /**
   * Position in the request's array.
   */
  index: number;
  /**
   * The ERP key: contact or item code, document number, payment id.
   */
  key: string;
  /**
   * Xero's document number.
   */
  number?: string | null;
  outcome: Outcome;
  totals?: DocumentTotals | null;
  /**
   * Xero's warnings on a document it accepted.
   */
  warnings: string[];
  xero_id?: string | null;
  /**
   * Xero's status of the document (`AUTHORISED`, `PAID`, ...).
   */
  xero_status?: string | null;
}

/**
 * Counts per outcome.
 */
export interface Summary {
  created: number;
  failed: number;
  uncertain: number;
  unchanged: number;
  updated: number;
}

/**
 * The answer of every push operation.
 */
export interface PushResponse {
  /**
   * Results of the request's `contacts`, when it carried any.
   */
  contacts?: RecordResult[] | null;
  dry_run: boolean;
  /**
   * Results of the request's `items`, when it carried any.
   */
  items?: RecordResult[] | null;
  /**
   * One per record of the request's main array, in input order.
   */
  results: RecordResult[];
  /**
   * Counts of `results` by outcome.
   */
  summary: Summary;
}

/**
 * An inventory item, keyed by its ERP item code (Xero `Code`).
 */
export interface ErpItem {
  /**
   * Item code: Xero `Code` (1–30 characters).
   */
  code: string;
  /**
   * Cost-of-sales account code; `defaults.cos_account` when absent.
   */
  cos_account?: string | null;
  /**
   * Sales description (≤ 4000).
   */
  description?: string | null;
  /**
   * Inventory asset account code, for tracked items.
   */
  inventory_account?: string | null;
  /**
   * Xero `Name` (≤ 50); the code when absent.
   */
  name?: string | null;
  /**
   * Purchase description (≤ 4000).
   */
  purchase_description?: string | null;
  /**
   * Purchase (cost) unit price, up to 4 decimal places.
   */
  purchase_price?: number | string | null;
  purchase_tax_code?: string | null;
  /**
   * Sales account code; `defaults.sales_account` when absent.
   */
  sales_account?: string | null;
  /**
   * Sales unit price, up to 4 decimal places.
   */
  sales_price?: number | string | null;
  sales_tax_code?: string | null;
  /**
   * Tracked as inventory in Xero (needs `inventory_account`, an INVENTORY-type account).
   */
  tracked?: boolean;
  xero?: { [member: string]: unknown } | null;
}

/**
 * `push_items`: inventory.
 */
export interface PushItemsRequest {
  connection: string;
  deadline_ms?: number | null;
  dry_run?: boolean;
  items: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * `push_items`: inventory.
 */
export interface PushItemsArguments {
  deadline_ms?: number | null;
  dry_run?: boolean;
  items: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * How line unit prices are to be read.
 */
export type AmountsAre = "exclusive" | "inclusive" | "no_tax";

/**
 * One document line.
 */
export interface ErpLine {
  /**
   * Account code; `defaults.sales_account` (sales) or `defaults.cos_account` (purchase) when absent.
   */
  account?: string | null;
  /**
   * Line description (≤ 4000); required unless `item` is given.
   */
  description?: string | null;
  /**
   * Discount in percent (0–100, up to 2 places); sales documents only.
   */
  discount?: number | string | null;
  /**
   * Option of the division tracking category; `defaults.division` when absent.
   */
  division?: string | null;
  /**
   * Item code (must be in Xero, or carried in the same request's `items`).
   */
  item?: string | null;
  /**
   * Up to 4 decimal places.
   */
  quantity?: number | string | null;
  /**
   * Option of the sales-rep tracking category; `defaults.sales_rep` when absent (sales documents only).
   */
  sales_rep?: string | null;
  /**
   * Xero tax type (e.g. `OUTPUT2`); the account's default when absent.
   */
  tax_code?: string | null;
  /**
   * Up to 4 decimal places (sent with `unitdp=4`).
   */
  unit_price?: number | string | null;
  xero?: { [member: string]: unknown } | null;
}

/**
 * The Xero status the document is pushed in.
 */
export type DocumentStatus = "draft" | "submitted" | "authorised";

export type DocumentType = "sales" | "purchase";

/**
 * A sales invoice or a purchase invoice (bill).
 */
export interface ErpInvoice {
  amounts?: AmountsAre;
  /**
   * Creditor code (purchase documents).
   */
  creditor?: string | null;
  /**
   * ISO 4217 code; the organisation's base currency when absent.
   */
  currency?: string | null;
  /**
   * Units of `currency` per unit of base currency; Xero's day rate when absent.
   */
  currency_rate?: number | string | null;
  /**
   * Calendar date `YYYY-MM-DD`, sent as is (no time zone shift).
   */
  date: string;
  /**
   * Debtor code (sales documents).
   */
  debtor?: string | null;
  due_date?: string | null;
  /**
   * 1 or more lines, sent whole on every update.
   */
  lines: ErpLine[];
  /**
   * The ERP document number (1–255): Xero `InvoiceNumber`. Unique per type in the ERP.
   */
  number: string;
  /**
   * Xero `Reference` (≤ 255; sales documents only: for a bill the number is what Xero shows as reference).
   */
  reference?: string | null;
  status?: DocumentStatus;
  type: DocumentType;
  xero?: { [member: string]: unknown } | null;
}

/**
 * `push_invoice`: one document; the answer's `results` has one element.
 */
export interface PushInvoiceRequest {
  connection: string;
  contacts?: ErpContact[];
  deadline_ms?: number | null;
  dry_run?: boolean;
  invoice: ErpInvoice;
  items?: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
  /**
   * Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
   * by hand in Xero is reported rather than taken as still there.
   */
  verify?: boolean;
}

/**
 * `push_invoice`: one document; the answer's `results` has one element.
 */
export interface PushInvoiceArguments {
  contacts?: ErpContact[];
  deadline_ms?: number | null;
  dry_run?: boolean;
  invoice: ErpInvoice;
  items?: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
  /**
   * Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
   * by hand in Xero is reported rather than taken as still there.
   */
  verify?: boolean;
}

/**
 * `push_invoices`: sales invoices and bills, with the contacts and items they need pushed first.
 */
export interface PushInvoicesRequest {
  connection: string;
  /**
   * Debtors / creditors the invoices name, pushed first (results in `contacts`).
   */
  contacts?: ErpContact[];
  deadline_ms?: number | null;
  dry_run?: boolean;
  invoices: ErpInvoice[];
  /**
   * Items the lines name, pushed first (results in `items`).
   */
  items?: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
  /**
   * Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
   * by hand in Xero is reported rather than taken as still there.
   */
  verify?: boolean;
}

/**
 * `push_invoices`: sales invoices and bills, with the contacts and items they need pushed first.
 */
export interface PushInvoicesArguments {
  /**
   * Debtors / creditors the invoices name, pushed first (results in `contacts`).
   */
  contacts?: ErpContact[];
  deadline_ms?: number | null;
  dry_run?: boolean;
  invoices: ErpInvoice[];
  /**
   * Items the lines name, pushed first (results in `items`).
   */
  items?: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
  /**
   * Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
   * by hand in Xero is reported rather than taken as still there.
   */
  verify?: boolean;
}

export interface ErpAllocation {
  /**
   * Amount applied (> 0, up to 2 places).
   */
  amount: number | string;
  /**
   * The credit note's date when absent.
   */
  date?: string | null;
  /**
   * Number of the invoice (same type and contact) the credit is applied to.
   */
  invoice: string;
}

/**
 * A credit note, optionally allocated to invoices of the same contact.
 */
export interface ErpCreditNote {
  /**
   * Allocations to invoices (the credit note must be `authorised`). Each is made once; it cannot be changed.
   */
  allocations?: ErpAllocation[];
  amounts?: AmountsAre;
  creditor?: string | null;
  currency?: string | null;
  currency_rate?: number | string | null;
  date: string;
  debtor?: string | null;
  lines: ErpLine[];
  /**
   * The ERP credit note number (1–255): Xero `CreditNoteNumber`.
   */
  number: string;
  reference?: string | null;
  status?: DocumentStatus;
  type: DocumentType;
  xero?: { [member: string]: unknown } | null;
}

/**
 * `push_credit_notes`.
 */
export interface PushCreditNotesRequest {
  connection: string;
  contacts?: ErpContact[];
  credit_notes: ErpCreditNote[];
  deadline_ms?: number | null;
  dry_run?: boolean;
  items?: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
  /**
   * Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
   * by hand in Xero is reported rather than taken as still there.
   */
  verify?: boolean;
}

/**
 * `push_credit_notes`.
 */
export interface PushCreditNotesArguments {
  contacts?: ErpContact[];
  credit_notes: ErpCreditNote[];
  deadline_ms?: number | null;
  dry_run?: boolean;
  items?: ErpItem[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
  /**
   * Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
   * by hand in Xero is reported rather than taken as still there.
   */
  verify?: boolean;
}

/**
 * A payment received (sales) or made (purchase) against one invoice or credit note.
 */
export interface ErpPayment {
  /**
   * > 0, up to 2 places, in the document's currency.
   */
  amount: number | string;
  /**
   * Code of the Xero bank account (or an account with payments enabled).
   */
  bank_account: string;
  /**
   * Number of the credit note refunded.
   */
  credit_note?: string | null;
  currency_rate?: number | string | null;
  date: string;
  /**
   * The ERP's payment id (1–255), the record's key. A payment is made once; it cannot be changed in Xero.
   */
  id: string;
  /**
   * Number of the invoice paid (exactly one of `invoice`, `credit_note`).
   */
  invoice?: string | null;
  reference?: string | null;
  type: DocumentType;
  xero?: { [member: string]: unknown } | null;
}

/**
 * `push_payments`.
 */
export interface PushPaymentsRequest {
  connection: string;
  deadline_ms?: number | null;
  dry_run?: boolean;
  payments: ErpPayment[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * `push_payments`.
 */
export interface PushPaymentsArguments {
  deadline_ms?: number | null;
  dry_run?: boolean;
  payments: ErpPayment[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * `get_accounts`, `get_tax_rates`, `get_tracking_categories`.
 */
export interface LookupRequest {
  connection: string;
  deadline_ms?: number | null;
  /**
   * Include archived (and deleted) entries; by default only active ones.
   */
  include_archived?: boolean;
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * `get_accounts`, `get_tax_rates`, `get_tracking_categories`.
 */
export interface LookupArguments {
  deadline_ms?: number | null;
  /**
   * Include archived (and deleted) entries; by default only active ones.
   */
  include_archived?: boolean;
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

export interface AccountInfo {
  class?: string | null;
  code: string;
  name: string;
  status?: string | null;
  /**
   * Payments can be made from it (bank accounts and accounts with payments enabled).
   */
  takes_payments: boolean;
  /**
   * Default tax type of lines on this account.
   */
  tax_type?: string | null;
  /**
   * Xero account type: `REVENUE`, `EXPENSE`, `DIRECTCOSTS`, `BANK`, `INVENTORY`, ...
   */
  type?: string | null;
  xero_id?: string | null;
}

export interface AccountsResponse {
  accounts: AccountInfo[];
}

export interface TaxRateInfo {
  name?: string | null;
  /**
   * Percent, exact (`"10.0000"`).
   */
  rate?: string | null;
  status?: string | null;
  /**
   * What lines name as `tax_code`.
   */
  tax_type: string;
}

export interface TaxRatesResponse {
  tax_rates: TaxRateInfo[];
}

export interface TrackingOptionInfo {
  name: string;
  status?: string | null;
}

export interface TrackingCategoryInfo {
  /**
   * `division` or `sales_rep` when the connection's `tracking_categories` maps this category.
   */
  maps?: string | null;
  name: string;
  options: TrackingOptionInfo[];
  status?: string | null;
}

export interface TrackingCategoriesResponse {
  tracking_categories: TrackingCategoryInfo[];
}

export type DocumentKind = "invoice" | "credit_note";

export interface DocumentQuery {
  /**
   * `invoice` (default) or `credit_note`.
   */
  kind?: DocumentKind;
  number: string;
  /**
   * `sales` or `purchase`.
   */
  type: DocumentType;
}

/**
 * `get_documents`: the Xero state of documents pushed (or entered in Xero), by ERP number.
 */
export interface GetDocumentsRequest {
  connection: string;
  deadline_ms?: number | null;
  documents: DocumentQuery[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

/**
 * `get_documents`: the Xero state of documents pushed (or entered in Xero), by ERP number.
 */
export interface GetDocumentsArguments {
  deadline_ms?: number | null;
  documents: DocumentQuery[];
  /**
   * Any JSON value; echoed as the answer's `request_id`.
   */
  request_id?: unknown;
}

export interface DocumentState {
  amount_credited?: string | null;
  amount_paid?: string | null;
  currency?: string | null;
  error?: string | null;
  /**
   * False when Xero has no such document.
   */
  found: boolean;
  index: number;
  number: string;
  totals?: DocumentTotals | null;
  xero_id?: string | null;
  /**
   * `DRAFT`, `SUBMITTED`, `AUTHORISED`, `PAID`, `VOIDED`, `DELETED`.
   */
  xero_status?: string | null;
}

export interface GetDocumentsResponse {
  documents: DocumentState[];
}

/** operation -> its request, a Connection method's arguments and its result */
export interface OperationTypes {
  push_contacts: { request: PushContactsRequest; arguments: PushContactsArguments; result: PushResponse };
  push_items: { request: PushItemsRequest; arguments: PushItemsArguments; result: PushResponse };
  push_invoice: { request: PushInvoiceRequest; arguments: PushInvoiceArguments; result: PushResponse };
  push_invoices: { request: PushInvoicesRequest; arguments: PushInvoicesArguments; result: PushResponse };
  push_credit_notes: { request: PushCreditNotesRequest; arguments: PushCreditNotesArguments; result: PushResponse };
  push_payments: { request: PushPaymentsRequest; arguments: PushPaymentsArguments; result: PushResponse };
  get_accounts: { request: LookupRequest; arguments: LookupArguments; result: AccountsResponse };
  get_tax_rates: { request: LookupRequest; arguments: LookupArguments; result: TaxRatesResponse };
  get_tracking_categories: { request: LookupRequest; arguments: LookupArguments; result: TrackingCategoriesResponse };
  get_documents: { request: GetDocumentsRequest; arguments: GetDocumentsArguments; result: GetDocumentsResponse };
}
