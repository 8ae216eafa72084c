package xerolink;

import java.util.Map;

/** Error code {@code function_disabled} (README "Error codes"). */
public class FunctionDisabledException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "function_disabled";

    public FunctionDisabledException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
