package xerolink;

import java.util.Map;

/** Error code {@code auth_failed} (README "Error codes"). */
public class AuthFailedException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "auth_failed";

    public AuthFailedException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
