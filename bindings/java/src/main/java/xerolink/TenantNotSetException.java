package xerolink;

import java.util.Map;

/** Error code {@code tenant_not_set} (README "Error codes"). */
public class TenantNotSetException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "tenant_not_set";

    public TenantNotSetException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
