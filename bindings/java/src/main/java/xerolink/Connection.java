package xerolink;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One named connection ({@code xero-{namespace}}): one method per operation, taking the request's members (the
 * connection's name is added) and returning the operation's result, or throwing the XeroLinkException subclass of
 * the error's code. The object holds only the name: create as many as you like, on any thread.
 */
public final class Connection {
    private final String name;

    public Connection(String name) {
        if (name == null) throw new NullPointerException("name");
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Connection(" + name + ")";
    }

    private Map<String, Object> run(String operation, Map<String, ?> fields, Consumer<Map<String, Object>> progress) {
        Map<String, Object> request = new LinkedHashMap<>();
        if (fields != null) request.putAll(fields);
        request.put("connection", name);
        return XeroLink.call(operation, request, progress);
    }

    // Setup and sign-in (README "Configuration" and "Signing in").

    /** Registers or updates the connection: client_id, client_secret, redirect_uri, functions, defaults, ... */
    public Map<String, Object> configure(Map<String, ?> config) { return run("configure", config, null); }

    /** The Xero consent URL to open: {url, state, expires_at}. */
    public Map<String, Object> authorizeUrl() { return run("authorize_url", null, null); }

    /** Completes the sign-in: callback_url (or code and state), loopback, or nothing (client credentials). */
    public Map<String, Object> authenticate(Map<String, ?> fields) { return run("authenticate", fields, null); }

    /** The organisations the sign-in may reach: {connections: [...]}. */
    public Map<String, Object> connections() { return run("connections", null, null); }

    /** Chooses the organisation: tenant_id or tenant_name. */
    public Map<String, Object> setTenant(Map<String, ?> fields) { return run("set_tenant", fields, null); }

    /** Signed in?, tenant, scopes, token expiry, limits seen; never a secret. */
    public Map<String, Object> status() { return run("status", null, null); }

    /** Removes the organisation's connection at Xero and forgets tokens and tenant. */
    public Map<String, Object> disconnect() { return run("disconnect", null, null); }

    /** The connection's durable state (xero-link-auth-state/1); without an encryption_key, a secret. */
    public Map<String, Object> exportState() { return run("export_state", null, null); }

    /** Puts an export back: state, force. */
    public Map<String, Object> importState(Map<String, ?> fields) { return run("import_state", fields, null); }

    // Pushes (schemas/push_*.request.json, push.response.json).

    /** Pushes debtors and creditors (contacts). */
    public Map<String, Object> pushContacts(Map<String, ?> request) { return run("push_contacts", request, null); }

    public Map<String, Object> pushContacts(Map<String, ?> request, Consumer<Map<String, Object>> progress) {
        return run("push_contacts", request, progress);
    }

    /** Pushes inventory items (items). */
    public Map<String, Object> pushItems(Map<String, ?> request) { return run("push_items", request, null); }

    public Map<String, Object> pushItems(Map<String, ?> request, Consumer<Map<String, Object>> progress) {
        return run("push_items", request, progress);
    }

    /** Pushes one sales invoice or bill (invoice). */
    public Map<String, Object> pushInvoice(Map<String, ?> request) { return run("push_invoice", request, null); }

    public Map<String, Object> pushInvoice(Map<String, ?> request, Consumer<Map<String, Object>> progress) {
        return run("push_invoice", request, progress);
    }

    /** Pushes sales invoices and bills (invoices, with the contacts and items they use). */
    public Map<String, Object> pushInvoices(Map<String, ?> request) { return run("push_invoices", request, null); }

    public Map<String, Object> pushInvoices(Map<String, ?> request, Consumer<Map<String, Object>> progress) {
        return run("push_invoices", request, progress);
    }

    /** Pushes credit notes with their allocations (credit_notes). */
    public Map<String, Object> pushCreditNotes(Map<String, ?> request) { return run("push_credit_notes", request, null); }

    public Map<String, Object> pushCreditNotes(Map<String, ?> request, Consumer<Map<String, Object>> progress) {
        return run("push_credit_notes", request, progress);
    }

    /** Pushes payments and refunds (payments). */
    public Map<String, Object> pushPayments(Map<String, ?> request) { return run("push_payments", request, null); }

    public Map<String, Object> pushPayments(Map<String, ?> request, Consumer<Map<String, Object>> progress) {
        return run("push_payments", request, progress);
    }

    // Lookups for the setup screens and reconciliation.

    /** The chart of accounts. */
    public Map<String, Object> getAccounts() { return run("get_accounts", null, null); }

    /** The organisation's tax rates. */
    public Map<String, Object> getTaxRates() { return run("get_tax_rates", null, null); }

    /** Tracking categories and options (division, sales rep). */
    public Map<String, Object> getTrackingCategories() { return run("get_tracking_categories", null, null); }

    /** Xero's status, totals and amount due of pushed documents (documents). */
    public Map<String, Object> getDocuments(Map<String, ?> request) { return run("get_documents", request, null); }
}
