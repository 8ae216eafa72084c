/* README's "A minimal C host", as it is there: check the ABI, configure a connection, print the answer, free it. */
#include "xero_link.h"
#include <stdio.h>

int main(void) {
    if (xero_abi_version() != XERO_ABI_VERSION) return 1;       /* header and library disagree */
    char *answer = xero_configure("{\"connection\":\"xero-hugeerp\",\"client_id\":\"ID\",\"client_secret\":\"S\","
                                  "\"redirect_uri\":\"https://erp.example.com/cb\",\"state_dir\":\"/tmp/xero\"}");
    puts(answer);                                                 /* {"ok":true,"result":{...}} */
    xero_string_free(answer);                                     /* every returned string, exactly once */
    return 0;
}
