package xerolink;

import java.util.Map;

/** Error code {@code not_authenticated} (README "Error codes"). */
public class NotAuthenticatedException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "not_authenticated";

    public NotAuthenticatedException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
