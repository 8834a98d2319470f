package io.mailsec.cli.conf;

import java.util.ArrayList;
import java.util.List;

/** What {@code mailsec conf install} changed and what it left for the administrator to do. */
public final class InstallReport {
    private final List<String> done = new ArrayList<>();
    private final List<String> todo = new ArrayList<>();

    void done(String file, String what) {
        done.add(file + ": " + what);
    }

    void todo(String file, String what) {
        todo.add(file.isEmpty() ? what : file + ": " + what);
    }

    public List<String> done() {
        return List.copyOf(done);
    }

    public List<String> todo() {
        return List.copyOf(todo);
    }
}
