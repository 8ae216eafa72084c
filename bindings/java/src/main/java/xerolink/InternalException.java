package xerolink;

import java.util.Map;

/** Error code {@code internal} (README "Error codes"). */
public class InternalException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "internal";

    public InternalException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
