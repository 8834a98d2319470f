package io.mailsec.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An overlay made from james-conf's shipped files with small, checked edits, so that integration
 * tests run the pipeline administrators get and only change what the test needs (DNS names, a policy
 * file, an optional hook).
 */
public final class ShippedConf {
    private final Path dir;

    private ShippedConf(Path dir) {
        this.dir = dir;
    }

    /** A new overlay directory under {@code parent}. */
    public static ShippedConf in(Path parent) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("overlay"));
        return new ShippedConf(dir);
    }

    /** Replaces {@code from} (which must occur in the shipped file) by {@code to} in the overlay's copy. */
    public ShippedConf edit(String file, String from, String to) throws IOException {
        Path target = dir.resolve(file);
        String text = Files.exists(target) ? Files.readString(target)
                : Files.readString(JamesProcess.root().resolve("james-conf/conf").resolve(file));
        assertThat(text).as("james-conf/conf/" + file + " contains the text this test edits").contains(from);
        Files.createDirectories(target.getParent());
        Files.writeString(target, text.replace(from, to));
        return this;
    }

    /** Adds or replaces a whole file of the overlay. */
    public ShippedConf file(String file, String content) throws IOException {
        Path target = dir.resolve(file);
        Files.createDirectories(target.getParent());
        Files.writeString(target, content);
        return this;
    }

    public Path dir() {
        return dir;
    }
}
