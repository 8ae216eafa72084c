package xerolink;

import java.util.Map;

/** Error code {@code reauth_required} (README "Error codes"). */
public class ReauthRequiredException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "reauth_required";

    public ReauthRequiredException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
