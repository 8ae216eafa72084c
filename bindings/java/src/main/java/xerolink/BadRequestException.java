package xerolink;

import java.util.Map;

/** Error code {@code bad_request} (README "Error codes"). */
public class BadRequestException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "bad_request";

    public BadRequestException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
