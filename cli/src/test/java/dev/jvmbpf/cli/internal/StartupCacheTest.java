package dev.jvmbpf.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StartupCacheTest {
    private static int major(byte[] classFile) {
        return (classFile[6] & 0xff) << 8 | classFile[7] & 0xff;
    }

    private static byte[] resource(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void upgradesJava5ClassFilesAndLeavesNewerOnesAlone() throws IOException {
        byte[] picocli = resource(CommandLine.class);
        assertTrue(major(picocli) < 50, "picocli is compiled for Java 5; this test needs such a class");
        assertEquals(52, major(StartupCache.upgrade(picocli)));
        byte[] ours = resource(StartupCache.class);
        assertSame(ours, StartupCache.upgrade(ours));
    }

    /** Every class of the rewritten picocli jar passes the JVM's verifier (linking verifies it). */
    @Test
    void rewrittenJarVerifiesAndRuns(@TempDir Path dir) throws IOException, URISyntaxException,
            ReflectiveOperationException {
        Path jar = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path out = dir.resolve("picocli-upgraded.jar");
        int upgraded = StartupCache.prepare(jar, out);
        List<String> names = new ArrayList<>();
        try (JarFile f = new JarFile(out.toFile())) {
            for (JarEntry e : Collections.list(f.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.startsWith("META-INF/")) {
                    names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                    try (InputStream in = f.getInputStream(e)) {
                        assertTrue(major(in.readAllBytes()) >= 50, n + " still has a Java 5 class file");
                    }
                }
            }
        }
        assertEquals(names.size(), upgraded);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : names) {
                Class.forName(name, true, loader);
            }
            // And the rewritten code still parses a command line.
            Class<?> cl = loader.loadClass("picocli.CommandLine");
            Class<?> spec = loader.loadClass("picocli.CommandLine$Model$CommandSpec");
            Object command = spec.getMethod("create").invoke(null);
            Class<?> option = loader.loadClass("picocli.CommandLine$Model$OptionSpec");
            Object builder = option.getMethod("builder", String.class, String[].class)
                    .invoke(null, "--count", new String[0]);
            // The builder's setters are declared on a package-private superclass.
            Method type = builder.getClass().getMethod("type", Class.class);
            type.setAccessible(true);
            type.invoke(builder, int.class);
            spec.getMethod("addOption", option).invoke(command, builder.getClass().getMethod("build").invoke(builder));
            Object line = cl.getConstructor(Object.class).newInstance(command);
            Object parsed = cl.getMethod("parseArgs", String[].class).invoke(line, (Object) new String[] {"--count", "7"});
            Object value = parsed.getClass().getMethod("matchedOptionValue", String.class, Object.class)
                    .invoke(parsed, "--count", 0);
            assertEquals(7, value);
        }
    }
}
