package xerolink;

import java.util.Map;

/** Error code {@code timeout} (README "Error codes"). */
public class TimeoutException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "timeout";

    public TimeoutException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
