package xerolink;

import java.util.Map;

/** Error code {@code not_found} (README "Error codes"). */
public class NotFoundException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "not_found";

    public NotFoundException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
