package xerolink;

import java.util.Map;

/** Error code {@code xero} (per record only: Xero refused the element; the message is Xero's; README "Error codes"). */
public class XeroException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "xero";

    public XeroException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
