import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the JFR recordings of bench/compare.sh (BENCH_JFR=1) as Markdown: per service JVM, the methods where
 * CPU samples were taken (top frame, "self"), the Medbase methods on the sampled stacks ("total", the first
 * dev.medbase frame of each stack), the library the CPU went to and the allocation by class. Usage: java bench/JfrTop.java <dir> [since] [top] [until]
 */
public class JfrTop {

    public static void main(String[] args) throws Exception {
        // Only the benchmark's window counts, not the JVM's start-up: events from `since` on (an ISO instant).
        java.time.Instant since = args.length > 1 ? java.time.Instant.parse(args[1].trim()) : java.time.Instant.MIN;
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        java.time.Instant until = args.length > 3 ? java.time.Instant.parse(args[3].trim()) : java.time.Instant.MAX;
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            files = s.filter(p -> p.toString().endsWith(".jfr")).sorted().toList();
        }
        System.out.println("# JFR hot spots (execution samples from " + since + " to " + until + ")\n");
        for (Path file : files) {
            String service = "?";
            Map<String, Long> self = new HashMap<>(), medbase = new HashMap<>(), packages = new HashMap<>(),
                    alloc = new HashMap<>(), modes = new HashMap<>();
            long samples = 0;
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                String type = e.getEventType().getName();
                if (type.equals("jdk.JVMInformation")) {
                    service = serviceName(e.getString("javaArguments"));
                } else if (e.getStartTime().isBefore(since) || e.getStartTime().isAfter(until)) {
                    continue;
                } else if (type.equals("jdk.ExecutionSample")) {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    self.merge(frame(st.getFrames().get(0)), 1L, Long::sum);
                    packages.merge(library(st.getFrames().get(0)), 1L, Long::sum);
                    // "Interpreted" top frames mean the JIT had not compiled that code yet (warm-up, starved CPU)
                    modes.merge(st.getFrames().get(0).getType(), 1L, Long::sum);
                    for (RecordedFrame f : st.getFrames()) {
                        if (f.getMethod().getType().getName().startsWith("dev.medbase.")) {
                            medbase.merge(frame(f), 1L, Long::sum);
                            break;
                        }
                    }
                } else if (type.equals("jdk.ObjectAllocationSample")) {
                    alloc.merge(e.getClass("objectClass").getName(), e.getLong("weight"), Long::sum);
                }
            }
            if (samples == 0) {
                continue;
            }
            System.out.printf("## %s (%s, %d CPU samples)%n%n", service, file.getFileName(), samples);
            print("top frame compiled by", modes, samples, top, "%");
            print("top frames (self)", self, samples, top, "%");
            print("library of the top frame (self)", packages, samples, top, "%");
            print("innermost Medbase frame on the stack", medbase, samples, top, "%");
            long allocTotal = alloc.values().stream().mapToLong(Long::longValue).sum();
            print("allocation by class (sampled weight)", alloc, Math.max(1, allocTotal), 8, "%");
        }
    }

    static String serviceName(String javaArguments) {
        if (javaArguments == null) {
            return "?";
        }
        var m = java.util.regex.Pattern.compile("([a-z]+-service|gateway|devstack)[^/ ]*\\.jar").matcher(javaArguments);
        return m.find() ? m.group(1) : javaArguments;
    }

    static String frame(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + " ("
                + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
    }

    /** The first three segments of the top frame's package: which library the CPU went to. */
    static String library(RecordedFrame f) {
        String[] parts = f.getMethod().getType().getName().split("\\.");
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(3, Math.max(1, parts.length - 1))));
    }

    static void print(String title, Map<String, Long> counts, long total, int top, String unit) {
        System.out.println("| " + title + " | share |\n| --- | --: |");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("| `%s` | %.1f %s |%n", en.getKey(), 100.0 * en.getValue() / total,
                        unit));
        System.out.println();
    }
}
