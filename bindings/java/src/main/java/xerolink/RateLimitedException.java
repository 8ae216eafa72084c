package xerolink;

import java.util.Map;

/** Error code {@code rate_limited} (README "Error codes"). */
public class RateLimitedException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "rate_limited";

    public RateLimitedException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
