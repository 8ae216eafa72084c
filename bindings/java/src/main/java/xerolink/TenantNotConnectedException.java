package xerolink;

import java.util.Map;

/** Error code {@code tenant_not_connected} (README "Error codes"). */
public class TenantNotConnectedException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "tenant_not_connected";

    public TenantNotConnectedException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
