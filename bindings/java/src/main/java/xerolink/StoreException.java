package xerolink;

import java.util.Map;

/** Error code {@code store} (README "Error codes"). */
public class StoreException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "store";

    public StoreException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
