package xerolink;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An operation answered {@code {"ok": false, "error": {...}}}; thrown as the subclass of its code
 * ({@link ValidationException}, {@link FunctionDisabledException}, ...), or as this class for a code added to the
 * library later. {@link #getMessage()} is "code at path: the library's message"; the library never puts a secret
 * in an error, and neither does this class.
 */
public class XeroLinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String detail;
    private final String path;
    private final boolean retryable;
    private final Map<String, Object> error;
    private final Object requestId;

    public XeroLinkException(Map<String, Object> error, Object requestId) {
        super(describe(error));
        this.error = Collections.unmodifiableMap(new LinkedHashMap<>(error));
        this.code = String.valueOf(error.get("code"));
        this.detail = error.get("message") == null ? "" : String.valueOf(error.get("message"));
        this.path = error.get("path") instanceof String ? (String) error.get("path") : null;
        this.retryable = Boolean.TRUE.equals(error.get("retryable"));
        this.requestId = requestId;
    }

    private static String describe(Map<String, Object> error) {
        Object path = error.get("path");
        return error.get("code") + (path instanceof String ? " at " + path : "") + ": "
                + (error.get("message") == null ? "" : error.get("message"));
    }

    /** The stable machine code, e.g. {@code validation}. */
    public String code() { return code; }

    /** The library's message alone. */
    public String detail() { return detail; }

    /** The offending field, e.g. {@code defaults.sales_account}, or null. */
    public String path() { return path; }

    /** Whether the same call, made again later, may succeed. */
    public boolean retryable() { return retryable; }

    /** Xero's HTTP status, where there is one, else null. */
    public Integer httpStatus() { return integer("http_status"); }

    /** Seconds to wait before retrying ({@code rate_limited}), else null. */
    public Integer retryAfter() { return integer("retry_after"); }

    /** The limit reached ({@code minute}, {@code day}, ...), else null. */
    public String limit() { return error.get("limit") instanceof String ? (String) error.get("limit") : null; }

    /** Xero's correlation id, else null. */
    public String xeroCorrelationId() {
        return error.get("xero_correlation_id") instanceof String ? (String) error.get("xero_correlation_id") : null;
    }

    /** Per-element errors where Xero gave them, else null. */
    @SuppressWarnings("unchecked")
    public List<Object> errors() { return error.get("errors") instanceof List ? (List<Object>) error.get("errors") : null; }

    /** The whole error object (any other member, e.g. {@code oauth_error}, is here). */
    public Map<String, Object> error() { return error; }

    /** The request's {@code request_id}, echoed, or null. */
    public Object requestId() { return requestId; }

    private Integer integer(String name) {
        Object v = error.get(name);
        return v instanceof Number ? ((Number) v).intValue() : null;
    }

    /** The exception for an envelope's error object: its code's class, or XeroLinkException for a later code. */
    public static XeroLinkException from(Map<String, Object> error, Object requestId) {
        switch (String.valueOf(error.get("code"))) {
            case "bad_json": return new BadJsonException(error, requestId);
            case "bad_request": return new BadRequestException(error, requestId);
            case "unknown_operation": return new UnknownOperationException(error, requestId);
            case "not_implemented": return new OperationNotImplementedException(error, requestId);
            case "not_configured": return new NotConfiguredException(error, requestId);
            case "function_disabled": return new FunctionDisabledException(error, requestId);
            case "not_authenticated": return new NotAuthenticatedException(error, requestId);
            case "reauth_required": return new ReauthRequiredException(error, requestId);
            case "auth_failed": return new AuthFailedException(error, requestId);
            case "tenant_not_set": return new TenantNotSetException(error, requestId);
            case "tenant_not_connected": return new TenantNotConnectedException(error, requestId);
            case "validation": return new ValidationException(error, requestId);
            case "rate_limited": return new RateLimitedException(error, requestId);
            case "xero_unavailable": return new XeroUnavailableException(error, requestId);
            case "network": return new NetworkException(error, requestId);
            case "timeout": return new TimeoutException(error, requestId);
            case "conflict": return new ConflictException(error, requestId);
            case "not_found": return new NotFoundException(error, requestId);
            case "store": return new StoreException(error, requestId);
            case "internal": return new InternalException(error, requestId);
            case "xero": return new XeroException(error, requestId);
            case "dependency": return new DependencyException(error, requestId);
            case "uncertain": return new UncertainException(error, requestId);
            default: return new XeroLinkException(error, requestId);
        }
    }

    /** The codes with a class of their own, in README's order. */
    public static final List<String> CODES = List.of(
            "bad_json", "bad_request", "unknown_operation", "not_implemented", "not_configured",
            "function_disabled", "not_authenticated", "reauth_required", "auth_failed", "tenant_not_set",
            "tenant_not_connected", "validation", "rate_limited", "xero_unavailable", "network", "timeout", "conflict",
            "not_found", "store", "internal", "xero", "dependency", "uncertain");
}
