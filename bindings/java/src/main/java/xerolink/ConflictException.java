package xerolink;

import java.util.Map;

/** Error code {@code conflict} (README "Error codes"). */
public class ConflictException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "conflict";

    public ConflictException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
