package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Structure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every answer is freed exactly once: one xero_string_free per call, and the C heap stays flat over many calls. */
class MemoryTest {
    /** glibc's mallinfo2(): the bytes malloc has handed out and not yet had back (uordblks). */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    interface LibC extends Library {
        MallInfo2 mallinfo2();
    }

    static void calls(int n) {
        for (int i = 0; i < n; i++) {
            XeroLink.callEnvelope("version", "{\"request_id\":" + i + "}");
            XeroLink.callEnvelope("status", "{\"connection\":\"xero-java-memory-never-configured\"}"); // an error
        }
    }

    @Test
    void oneFreePerAnswer() {
        long before = XeroLink.FREED.get();
        calls(500);
        XeroLink.callEnvelopeMap("version", Map.of(), null);
        assertEquals(1001, XeroLink.FREED.get() - before);
    }

    @Test
    void theCHeapStaysFlat() {
        LibC libc = com.sun.jna.Native.load("c", LibC.class);
        calls(2000); // warm-up
        long before = libc.mallinfo2().uordblks;
        calls(20000);
        long grown = libc.mallinfo2().uordblks - before;
        // A leaked answer is 100-250 bytes: 40,000 of them would be 4-10 MB.
        assertTrue(grown < 1024 * 1024, "the C heap grew by " + grown + " bytes");
    }
}
