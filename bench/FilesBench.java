import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File load on a running stack (bench/files.sh starts one), everything through the gateway with an admin token:
 * <ol>
 * <li>a large file uploaded as the SDK frames it ({@code POST /files/v1/}, {@code form-data} with a {@code name} and a
 * {@code file} part, {@code Transfer-Encoding: chunked}, no {@code Content-Length}) and downloaded
 * ({@code GET /files/v1/{token}/file}), several times, in MiB/s;</li>
 * <li>the same file through the resumable (tus 1.0) path in PATCHes of 8 MiB (one PATCH stays under the 10 MB body
 * limit), in MiB/s;</li>
 * <li>small (10 KB) uploads with N threads, uploads/s.</li>
 * </ol>
 * The resident memory (VmRSS) of file-service, the gateway and the devstack JVM (MongoDB-wire server) is sampled every
 * 100 ms during each phase, with the CPU time each process spent in it (a figure a busy machine distorts less than
 * MiB/s). Every stored file's SHA-256 (from the service) is checked against the one computed here; one download of the
 * large file is read back and hashed outside the timed runs.
 *
 * <p>Single-file program: {@code java bench/FilesBench.java gatewayUrl clientId clientSecret email password
 * devstackPid sizeMiB repeats smallThreads smallSeconds}
 */
public class FilesBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int MIB = 1024 * 1024;
    private static final int PATCH = 8 * MIB;
    // form-data's boundary: 26 dashes and 24 hex digits (see file-service's sdk-capture)
    private static final String BOUNDARY = "--------------------------" + "61f3d96e075f9a40f8b3f2e5";
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SHA = Pattern.compile("\"sha256\"\\s*:\\s*\"([0-9a-f]{64})\"");
    private static final Pattern ACCESS = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    static String gateway;
    static String bearer;
    static final byte[] BLOCK = new byte[MIB];

    public static void main(String[] args) throws Exception {
        gateway = args[0];
        String clientId = args[1], secret = args[2], email = args[3], password = args[4];
        long devstackPid = Long.parseLong(args[5]);
        long size = Long.parseLong(args[6]) * MIB;
        int repeats = Integer.parseInt(args[7]);
        int threads = Integer.parseInt(args[8]);
        int seconds = Integer.parseInt(args[9]);
        int warmups = args.length > 10 ? Integer.parseInt(args[10]) : 3;
        new Random(7).nextBytes(BLOCK); // incompressible content
        String expected = sha256(new Generated(size));

        HttpRequest login = HttpRequest.newBuilder(URI.create(gateway + "/auth/v2/oauth2/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"password\",\"client_id\":\"" + clientId
                        + "\",\"client_secret\":\"" + secret + "\",\"username\":\"" + email + "\",\"password\":\""
                        + password + "\"}")).build();
        // once, on a very busy machine, the devstack's client was not yet seeded when the stack reported healthy
        HttpResponse<String> token = sendQuietly(login);
        for (int i = 0; i < 30 && token.statusCode() == 401; i++) {
            Thread.sleep(2000);
            token = sendQuietly(login);
        }
        bearer = match(ACCESS, token);

        Memory memory = new Memory(devstackPid);
        memory.start();
        System.out.printf("Large file: %d MiB (%d bytes), SHA-256 %s…%n%n", size / MIB, size,
                expected.substring(0, 12));
        System.out.println("| workload | run | seconds | MiB/s |");
        System.out.println("| --- | --- | --- | --- |");

        // warm-up: a few small uploads and downloads so the first timed run does not pay for class loading
        for (int i = 0; i < 20; i++) {
            download(match(TOKEN, upload(10_000, "warm.bin")), null);
        }
        // then untimed rounds of each large workload: the first runs after start-up are slower while the JIT
        // compiles the streaming paths (session 18: multipart upload 51, 69, 78, 99 MiB/s in runs 1-4; download
        // 85 to 259 MiB/s), and a long-running server is measured
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmups; i++) {
            String warm = match(TOKEN, upload(size, "warm-big.bin"));
            download(warm, null);
            delete(warm);
            delete(tusUpload(size));
        }
        if (warmups > 0) {
            System.out.printf("| warm-up, untimed: %d × (upload, download, resumable upload) | | %.1f | |%n", warmups,
                    (System.nanoTime() - warmStart) / 1e9);
        }

        memory.phase("multipart upload, " + repeats + " × " + size / MIB + " MiB");
        List<Double> up = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int run = 1; run <= repeats; run++) {
            long t0 = System.nanoTime();
            HttpResponse<String> created = upload(size, "big.bin");
            double seconds0 = (System.nanoTime() - t0) / 1e9;
            check(expected, match(SHA, created), "multipart upload");
            tokens.add(match(TOKEN, created));
            up.add(size / (double) MIB / seconds0);
            System.out.printf("| multipart upload (`POST /files/v1/`, chunked) | %d | %.2f | %.0f |%n", run, seconds0,
                    up.get(up.size() - 1));
        }
        memory.phase("download, " + repeats + " × " + size / MIB + " MiB");
        List<Double> down = new ArrayList<>();
        for (int run = 1; run <= repeats; run++) {
            long t0 = System.nanoTime();
            long read = download(tokens.get(run - 1), null);
            double seconds0 = (System.nanoTime() - t0) / 1e9;
            if (read != size) {
                throw new IllegalStateException("download returned " + read + " bytes, expected " + size);
            }
            down.add(size / (double) MIB / seconds0);
            System.out.printf("| download (`GET /files/v1/{token}/file`) | %d | %.2f | %.0f |%n", run, seconds0,
                    down.get(down.size() - 1));
        }
        memory.phase(null);
        MessageDigest check = MessageDigest.getInstance("SHA-256");
        download(tokens.get(0), check);
        check(expected, HexFormat.of().formatHex(check.digest()), "download read back");
        tokens.forEach(FilesBench::delete);

        memory.phase("resumable (tus) upload, " + repeats + " × " + size / MIB + " MiB in 8 MiB PATCHes");
        List<Double> tus = new ArrayList<>();
        for (int run = 1; run <= repeats; run++) {
            long t0 = System.nanoTime();
            String tusToken = tusUpload(size);
            double tusSeconds = (System.nanoTime() - t0) / 1e9;
            tus.add(size / (double) MIB / tusSeconds);
            System.out.printf("| resumable upload (tus, 8 MiB PATCHes) | %d | %.2f | %.0f |%n", run, tusSeconds,
                    tus.get(tus.size() - 1));
            HttpResponse<String> details = send(authorized(gateway + "/files/v1/" + tusToken + "/details").build());
            check(expected, match(SHA, details), "resumable upload");
            delete(tusToken);
        }

        memory.phase(threads + " threads × 10 KB uploads for " + seconds + " s");
        Result small = run(threads, seconds, () -> upload(10_000, "small.bin"));
        memory.phase(null);

        System.out.printf("%nMedians: multipart upload %.0f MiB/s, download %.0f MiB/s, resumable upload %.0f MiB/s%n",
                median(up), median(down), median(tus));
        System.out.println();
        System.out.println("| small uploads (10 KB, multipart, gateway) | threads | uploads | errors | uploads/s "
                + "| p50 ms | p99 ms |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        System.out.printf("| | %d | %d | %d | %.0f | %.1f | %.1f |%n", threads, small.requests, small.errors,
                small.requests / small.seconds, small.percentile(50), small.percentile(99));
        System.out.println();
        memory.report();
    }

    // ------------------------------------------------------------------ requests

    static HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .timeout(Duration.ofMinutes(10));
    }

    /** A multipart upload framed like the SDK's {@code files.create} (form-data in Node): chunked, no length. */
    static HttpResponse<String> upload(long size, String name) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        return send(authorized(gateway + "/files/v1/")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .header("X-User-Agent", "FilesBench")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                        java.util.Collections.enumeration(List.of(new java.io.ByteArrayInputStream(head),
                                new Generated(size), new java.io.ByteArrayInputStream(tail))))))
                .build());
    }

    /** Reads a file's bytes (into {@code digest} if given); returns how many arrived. */
    static long download(String token, MessageDigest digest) {
        try {
            HttpResponse<InputStream> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/files/v1/" + token + "/file")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("download: " + r.statusCode() + " " + new String(in.readAllBytes(),
                            StandardCharsets.UTF_8));
                }
                byte[] buffer = new byte[256 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (digest != null) {
                        digest.update(buffer, 0, n);
                    }
                }
                return total;
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tusUpload(long size) {
        String name = Base64.getEncoder().encodeToString("big-tus.bin".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = send(authorized(gateway + "/files/v1/uploads").header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(size)).header("Upload-Metadata", "filename " + name)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 201);
        String location = created.headers().firstValue("Location").orElseThrow();
        URI uri = URI.create(gateway).resolve(location);
        String token = null;
        for (long offset = 0; offset < size; offset += PATCH) {
            long start = offset;
            long length = Math.min(PATCH, size - offset);
            HttpResponse<String> patched = send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + bearer).header("Tus-Resumable", "1.0.0")
                    .header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", Long.toString(offset))
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers
                            .ofInputStream(() -> new Generated(start + length).skipTo(start)), length))
                    .build(), 204);
            token = patched.headers().firstValue("Medbase-File-Token").orElse(null);
        }
        if (token == null) {
            throw new IllegalStateException("the last PATCH gave no Medbase-File-Token");
        }
        return token;
    }

    static void delete(String token) {
        send(authorized(gateway + "/files/v1/" + URLEncoder.encode(token, StandardCharsets.UTF_8)).DELETE().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        return send(request, 200);
    }

    static HttpResponse<String> send(HttpRequest request, int expectedStatus) {
        HttpResponse<String> r = sendQuietly(request);
        if (r.statusCode() != expectedStatus) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + ": " + r.statusCode()
                    + " " + r.body());
        }
        return r;
    }

    static HttpResponse<String> sendQuietly(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath(), e);
        }
    }

    static String match(Pattern pattern, HttpResponse<String> response) {
        Matcher m = pattern.matcher(response.body());
        if (!m.find()) {
            throw new IllegalStateException("No " + pattern + " in " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    static void check(String expected, String actual, String what) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + ": SHA-256 " + actual + ", expected " + expected);
        }
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[MIB];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    // ------------------------------------------------------------------ small uploads with N threads

    record Result(long requests, long errors, double seconds, long[] nanos) {
        double percentile(double p) {
            return nanos.length == 0 ? Double.NaN
                    : nanos[(int) Math.min(nanos.length - 1, Math.ceil(p / 100 * nanos.length) - 1)] / 1e6;
        }
    }

    static Result run(int threads, int seconds, Supplier<HttpResponse<String>> call) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                List<Long> samples = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        call.get();
                    } catch (IllegalStateException e) {
                        errors.incrementAndGet();
                        continue;
                    }
                    samples.add(System.nanoTime() - t0);
                }
                return samples;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Result(sorted.length, errors.get(), elapsed, sorted);
    }

    // ------------------------------------------------------------------ content

    /** {@code BLOCK} repeated up to {@code size} bytes: byte {@code i} is {@code BLOCK[i % 1 MiB]}. */
    static final class Generated extends InputStream {
        private final long size;
        private long position;

        Generated(long size) {
            this.size = size;
        }

        Generated skipTo(long offset) {
            position = offset;
            return this;
        }

        @Override
        public int read() {
            return position < size ? BLOCK[(int) (position++ % MIB)] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int at = (int) (position % MIB);
            int n = (int) Math.min(Math.min(len, MIB - at), size - position);
            System.arraycopy(BLOCK, at, b, off, n);
            position += n;
            return n;
        }
    }

    // ------------------------------------------------------------------ memory

    /** Samples VmRSS of file-service, the gateway and the devstack JVM every 100 ms, per phase. */
    static final class Memory extends Thread {
        private final Map<String, Long> pids = new LinkedHashMap<>();
        private final Map<String, long[]> baseline = new LinkedHashMap<>();
        private final List<String> rows = new ArrayList<>();
        private volatile String phase;
        private Map<String, long[]> current; // name -> {first, min, max, last}
        private final Map<String, Long> cpuAtStart = new LinkedHashMap<>();

        Memory(long devstackPid) {
            super("rss-sampler");
            setDaemon(true);
            ProcessHandle devstack = ProcessHandle.of(devstackPid).orElseThrow(() ->
                    new IllegalStateException("no devstack process " + devstackPid));
            for (String service : List.of("file-service", "gateway")) {
                pids.put(service, devstack.descendants()
                        .filter(p -> p.info().commandLine().orElse("").contains("/" + service + ".jar"))
                        .findFirst().orElseThrow(() -> new IllegalStateException("no " + service + " process"))
                        .pid());
            }
            pids.put("devstack (MongoDB-wire, Kafka, SMTP)", devstackPid);
            pids.put("this client", ProcessHandle.current().pid());
            pids.forEach((name, pid) -> baseline.put(name, new long[] {rss(pid)}));
        }

        synchronized void phase(String name) {
            if (phase != null) {
                sample();
                current.forEach((service, v) -> rows.add(String.format("| %s | %s | %d | %d | %d | %+d | %.1f |",
                        phase, service, v[0] / 1024, v[2] / 1024, v[3] / 1024, (v[3] - v[0]) / 1024,
                        (cpuTicks(pids.get(service)) - cpuAtStart.get(service)) / 100.0)));
            }
            phase = name;
            current = new LinkedHashMap<>();
            if (name != null) {
                pids.forEach((service, pid) -> cpuAtStart.put(service, cpuTicks(pid)));
                sample();
            }
        }

        private synchronized void sample() {
            if (phase == null) {
                return;
            }
            pids.forEach((name, pid) -> {
                long kb = rss(pid);
                long[] v = current.computeIfAbsent(name, k -> new long[] {kb, kb, kb, kb});
                v[1] = Math.min(v[1], kb);
                v[2] = Math.max(v[2], kb);
                v[3] = kb;
            });
        }

        @Override
        public void run() {
            while (true) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void report() {
            System.out.println("Resident memory (VmRSS, MiB), sampled every 100 ms; after start-up: " + String.join(
                    ", ", baseline.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] / 1024).toList()));
            System.out.println();
            System.out.println("| phase | process | RSS at start | peak | at end | end − start | CPU s |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            rows.forEach(System.out::println);
        }

        /** User + system CPU time in clock ticks (USER_HZ, 100 on Linux) from /proc/pid/stat. */
        static long cpuTicks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            } catch (IOException e) {
                return 0;
            }
        }

        static long rss(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            return 0;
        }
    }
}
