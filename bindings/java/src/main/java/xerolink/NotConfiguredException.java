package xerolink;

import java.util.Map;

/** Error code {@code not_configured} (README "Error codes"). */
public class NotConfiguredException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "not_configured";

    public NotConfiguredException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
