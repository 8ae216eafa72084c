package xerolink;

import java.util.Map;

/** Error code {@code xero_unavailable} (README "Error codes"). */
public class XeroUnavailableException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "xero_unavailable";

    public XeroUnavailableException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
