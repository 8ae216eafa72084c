package xerolink;

import java.util.Map;

/** Error code {@code uncertain} (per record only: sent, no answer came back; pushing again settles it; README "Error codes"). */
public class UncertainException extends XeroLinkException {
    private static final long serialVersionUID = 1L;

    /** The code this class stands for. */
    public static final String CODE = "uncertain";

    public UncertainException(Map<String, Object> error, Object requestId) {
        super(error, requestId);
    }
}
