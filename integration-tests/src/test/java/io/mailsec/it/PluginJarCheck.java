package io.mailsec.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks a plugin jar against the James it is dropped into: no class that James already ships
 * (James's extension class loader asks its parent first, so a bundled copy is dead weight or a
 * conflict) and no bytecode newer than Java 11 (the James 3.8.1 image runs a Java 11 JRE).
 */
public final class PluginJarCheck {
    /** Class-file major version of Java 11. */
    public static final int MAX_MAJOR = 55;

    private final Map<String, String> jamesClasses;

    private PluginJarCheck(Map<String, String> jamesClasses) {
        this.jamesClasses = jamesClasses;
    }

    /** Indexes every class in the jars of James's lib directory. */
    public static PluginJarCheck against(Path jamesLib) throws IOException {
        Map<String, String> classes = new HashMap<>();
        try (Stream<Path> jars = Files.list(jamesLib)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                try (ZipFile z = new ZipFile(jar.toFile())) {
                    Enumeration<? extends ZipEntry> e = z.entries();
                    while (e.hasMoreElements()) {
                        String n = e.nextElement().getName();
                        if (isClass(n)) {
                            classes.putIfAbsent(n, jar.getFileName().toString());
                        }
                    }
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("no James classes found in " + jamesLib);
        }
        return new PluginJarCheck(classes);
    }

    /** Every violation in {@code pluginJar}, as readable lines; empty when the jar is fine. */
    public List<String> violations(Path pluginJar) throws IOException {
        List<String> out = new ArrayList<>();
        try (ZipFile z = new ZipFile(pluginJar.toFile())) {
            Enumeration<? extends ZipEntry> e = z.entries();
            while (e.hasMoreElements()) {
                ZipEntry entry = e.nextElement();
                String n = entry.getName();
                if (!isClass(n)) {
                    continue;
                }
                String shippedBy = jamesClasses.get(n);
                if (shippedBy != null) {
                    out.add(pluginJar.getFileName() + ": " + n + " is already shipped by James in " + shippedBy);
                }
                try (InputStream in = z.getInputStream(entry)) {
                    int major = majorVersion(in);
                    if (major > MAX_MAJOR) {
                        out.add(pluginJar.getFileName() + ": " + n + " has class-file version " + major
                                + " (Java " + (major - 44) + "), newer than Java 11 (" + MAX_MAJOR + ")");
                    }
                }
            }
        }
        return out;
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/");
    }

    private static int majorVersion(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        d.readUnsignedShort();
        return d.readUnsignedShort();
    }
}
