package xerolink;

import java.util.Map;

/** Error code {@code network} (README "Error codes"). */
public class NetworkException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "network";

    public NetworkException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
