package xerolink;

import java.util.Map;

/** Error code {@code unknown_operation} (README "Error codes"). */
public class UnknownOperationException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "unknown_operation";

    public UnknownOperationException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
