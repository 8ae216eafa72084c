package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The binding refuses a library of another ABI version and declares exactly the header's functions. */
class AbiTest {
    static final Path HEADER = Sim.REPO.resolve("include/xero_link.h");

    @Test
    void theBindingWasWrittenForTheHeadersAbi() throws Exception {
        Matcher m = Pattern.compile("#define XERO_ABI_VERSION (\\d+)").matcher(Files.readString(HEADER));
        assertTrue(m.find());
        assertEquals(Integer.parseInt(m.group(1)), XeroLink.ABI_VERSION,
                "include/xero_link.h has a new ABI version: review the binding, then raise ABI_VERSION in Native.java");
    }

    @Test
    void theBindingDeclaresTheHeadersFunctions() throws Exception {
        TreeSet<String> header = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(xero_\\w+)\\(").matcher(Files.readString(HEADER));
        while (m.find()) header.add(m.group(1));
        TreeSet<String> declared = new TreeSet<>();
        for (java.lang.reflect.Method method : Native.Lib.class.getDeclaredMethods()) declared.add(method.getName());
        for (String operation : Native.OPERATION_FUNCTIONS) declared.add("xero_" + operation);
        assertEquals(header, declared);
    }

    /** Runs a JVM that touches XeroLink with the library at `library`; returns [exit code, output]. */
    static Object[] load(String library) throws Exception {
        // The launcher's own class path holds only JUnit: the child gets where these classes came from.
        List<String> classPath = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {AbiTest.class, XeroLink.class, com.sun.jna.Native.class}) {
            classPath.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classPath), "-Dxerolink.library=" + library));
        if (System.getProperty("jna.library.path") != null) {
            command.add("-Djna.library.path=" + System.getProperty("jna.library.path"));
        }
        command.add("xerolink.AbiTest$Touch");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Object[] {p.waitFor(), output};
    }

    /** Loads the binding (in the child JVM of the tests below). */
    public static final class Touch {
        public static void main(String[] args) {
            System.out.println(XeroLink.version());
        }
    }

    @Test
    void aLibraryOfAnotherAbiIsRefusedAtLoad() throws Exception {
        String cc = System.getenv().getOrDefault("CC", "cc");
        Path dir = Files.createTempDirectory("xero-link-java-abi-");
        Path source = dir.resolve("other.c");
        Files.writeString(source, "unsigned int xero_abi_version(void) { return 999; }\n"
                + "const char *xero_version(void) { return \"9.9.9\"; }\n");
        File library = dir.resolve("libxero_link_other.so").toFile();
        Process compile;
        try {
            compile = new ProcessBuilder(cc, "-shared", "-fPIC", "-o", library.toString(), source.toString())
                    .inheritIO().start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no C compiler");
            return;
        }
        assertEquals(0, compile.waitFor());
        Object[] run = load(library.toString());
        assertNotEquals(0, run[0]);
        String output = (String) run[1];
        assertTrue(output.contains("has ABI version 999, this binding was written for ABI version 1"), output);
        assertTrue(output.contains(library.toString()), output);
    }

    @Test
    void aMissingLibraryIsRefusedClearly() throws Exception {
        Object[] run = load("/nonexistent/libxero_link.so");
        assertNotEquals(0, run[0]);
        assertTrue(((String) run[1]).contains("cannot load the library /nonexistent/libxero_link.so"), (String) run[1]);
    }

    @Test
    void withoutSettingsTheLibraryIsFoundInTheCargoTargetDirectory() {
        assumeTrue(System.getProperty("xerolink.library") == null && System.getenv("XERO_LINK_LIBRARY") == null);
        assertTrue(XeroLink.libraryPath().startsWith(Sim.targetDir().toString() + File.separator), XeroLink.libraryPath());
    }
}
