package xerolink;

import java.util.Map;

/** Error code {@code dependency} (per record only: a contact, item or document the record needs is not in Xero; README "Error codes"). */
public class DependencyException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "dependency";

    public DependencyException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
