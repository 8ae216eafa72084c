package xerolink;

import java.util.Map;

/** Error code {@code not_implemented} (README "Error codes"). */
public class OperationNotImplementedException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "not_implemented";

    public OperationNotImplementedException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
