package io.mailsec.bench.pipeline;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.sun.tools.attach.VirtualMachine;

/**
 * async-profiler (from Maven Central's tools.profiler:async-profiler) loaded into a running James JVM
 * for the measured rounds only: CPU samples of every thread with their names, written as collapsed
 * stacks. Unlike JFR it samples every running thread, not a few per period, so the thread groups'
 * shares are comparable, and attaching it throws away no compiled code.
 */
final class CpuProfiler {
    private final Path library;

    private CpuProfiler(Path library) {
        this.library = library;
    }

    static CpuProfiler extractTo(Path dir) throws Exception {
        Path lib = dir.resolve("libasyncProfiler.so");
        try (InputStream in = CpuProfiler.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
            if (in == null) {
                throw new IllegalStateException("linux-x64/libasyncProfiler.so not on the class path (tools.profiler:async-profiler)");
            }
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        return new CpuProfiler(lib);
    }

    void start(long pid) throws Exception {
        command(pid, "start,event=cpu,interval=1ms,threads");
    }

    void stop(long pid, Path collapsed) throws Exception {
        // ann: every Java frame says how it ran (_[0] interpreted, _[1] C1, _[j] C2, _[i] inlined)
        command(pid, "stop,collapsed,ann,file=" + collapsed);
    }

    private void command(long pid, String args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            vm.loadAgentPath(library.toString(), args);
        } finally {
            vm.detach();
        }
    }
}
