package xerolink;

import java.util.Map;

/** Error code {@code validation} (README "Error codes"). */
public class ValidationException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "validation";

    public ValidationException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
