package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java code compiles and runs as a user would paste it: each {@code ```java} block
 * becomes the {@code main} method of a class (its imports kept on top), is compiled against the
 * test classpath and run in a JVM of its own with the repository root as working directory. What
 * it prints must be what the block's comments say: a {@code System.out.print} line ending in
 * {@code // text} expects the line {@code text}.
 */
class ReadmeSnippetTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();
    private static final Pattern BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern PRINTED = Pattern.compile("System\\.out\\.print.*//\\s*(.*?)\\s*$");

    record Snippet(List<String> imports, List<String> body, List<String> expected) {
    }

    static List<Snippet> snippets(String readme) {
        List<Snippet> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            List<String> imports = new ArrayList<>();
            List<String> body = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (String line : m.group(1).lines().toList()) {
                if (line.startsWith("import ")) {
                    imports.add(line);
                    continue;
                }
                body.add(line);
                Matcher p = PRINTED.matcher(line);
                if (p.find()) {
                    expected.add(p.group(1));
                }
            }
            out.add(new Snippet(imports, body, expected));
        }
        return out;
    }

    @Test
    void theReadmesJavaCompilesRunsAndPrintsWhatItSays(@TempDir Path dir) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<Snippet> snippets = snippets(readme);
        assertFalse(snippets.isEmpty(), "README.md has no ```java block; its Library section must show one");
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            assertFalse(s.expected().isEmpty(), "README java block " + (i + 1)
                    + " prints nothing it names: end a System.out.println line with // what it prints");
            long code = s.body().stream().filter(l -> !l.isBlank() && !l.strip().startsWith("//")).count();
            assertTrue(code <= 10, "README java block " + (i + 1) + " has " + code + " lines besides its imports;"
                    + " at most 10");
            String name = "ReadmeSnippet" + (i + 1);
            String source = String.join("\n", s.imports()) + "\n\npublic class " + name
                    + " {\n    public static void main(String[] args) throws Exception {\n"
                    + String.join("\n", s.body()) + "\n    }\n}\n";
            Path file = dir.resolve(name + ".java");
            Files.writeString(file, source);
            compile(file, dir, source);
            assertEquals(s.expected(), run(name, dir), "README java block " + (i + 1) + " printed otherwise");
        }
    }

    @Test
    void blocksAndTheirExpectedOutputAreFound() {
        String text = "x\n```java\nimport a.B;\n\nSystem.out.println(1); // 1\nint y;\n```\n```sh\nls\n```\n";
        List<Snippet> s = snippets(text);
        assertEquals(1, s.size());
        assertEquals(List.of("import a.B;"), s.getFirst().imports());
        assertEquals(List.of("1"), s.getFirst().expected());
        assertTrue(snippets("no code here\n```sh\nls\n```\n").isEmpty());
    }

    private static void compile(Path file, Path dir, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        var fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        boolean ok = javac.getTask(diagnostics, fm, null,
                List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path"), "-Xlint:none"), null,
                fm.getJavaFileObjects(file)).call();
        assertTrue(ok, "the README's Java does not compile:\n" + diagnostics + "\n" + source);
    }

    private static List<String> run(String name, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                dir + File.pathSeparator + System.getProperty("java.class.path"), name)
                .directory(ROOT.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the README's Java did not finish within a minute");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the README's Java failed:\n" + text);
        return text.lines().toList();
    }
}
