package xerolink;

import java.util.Map;

/** Error code {@code bad_json} (README "Error codes"). */
public class BadJsonException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "bad_json";

    public BadJsonException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
