import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Auth load on a running stack (bench/auth.sh starts one): password logins/s and refresh grants/s through the
 * gateway, {@code GET /users/v1/me}/s with one token, and the gateway's added latency (the same authenticated GET through the gateway and straight to
 * auth-service, sequentially). Loopback only, bounded in time. Single-file program: java bench/AuthBench.java.
 *
 * <p>Arguments: gatewayUrl authUrl clientId clientSecret email password seconds threads [workloads]; workloads is a
 * comma-separated subset of {@code password,refresh,me,overhead} (default: all), to profile one at a time.
 */
public class AuthBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern FIELD = Pattern.compile("\"(access_token|refresh_token)\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String gateway = args[0], auth = args[1], clientId = args[2], secret = args[3], email = args[4],
                password = args[5];
        int seconds = Integer.parseInt(args[6]);
        int threads = Integer.parseInt(args[7]);
        java.util.Set<String> workloads = java.util.Set.of((args.length > 8 ? args[8] : "password,refresh,me,overhead")
                .split(","));
        String login = "{\"grant_type\":\"password\",\"client_id\":\"" + clientId + "\",\"client_secret\":\"" + secret
                + "\",\"username\":\"" + email + "\",\"password\":\"" + password + "\"}";

        System.out.println("| workload | threads | requests | errors | req/s | p50 ms | p99 ms |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        if (workloads.contains("password")) {
            report("password grant (gateway)", threads, run(threads, seconds, () -> post(gateway, login)));
        }
        if (workloads.contains("refresh")) {
            report("refresh_token grant (gateway)", threads, run(threads, seconds, new java.util.function.Supplier<>() {
                // each worker follows its own rotating refresh-token chain, as an app would
                private final ThreadLocal<String> refresh = ThreadLocal.withInitial(() -> field(post(gateway, login), 1));

                @Override
                public HttpResponse<String> get() {
                    HttpResponse<String> r = post(gateway, "{\"grant_type\":\"refresh_token\",\"client_id\":\"" + clientId
                            + "\",\"client_secret\":\"" + secret + "\",\"refresh_token\":\"" + refresh.get() + "\"}");
                    if (r.statusCode() == 200) {
                        refresh.set(field(r, 1));
                    }
                    return r;
                }
            }));
        }

        String token = field(post(gateway, login), 0);
        if (workloads.contains("me")) {
            report("GET /users/v1/me (gateway)", threads,
                    run(threads, seconds, () -> get(gateway + "/users/v1/me", token)));
        }
        if (!workloads.contains("overhead")) {
            return;
        }

        String path = "/auth/v2/applications?limit(1)";
        Result direct = run(1, seconds / 2, () -> get(auth + path, token));
        Result viaGateway = run(1, seconds / 2, () -> get(gateway + path, token));
        report("GET applications, direct to auth-service", 1, direct);
        report("GET applications, through the gateway", 1, viaGateway);
        System.out.printf("%nGateway overhead (sequential, same request): p50 %+.2f ms, p99 %+.2f ms%n",
                viaGateway.percentile(50) - direct.percentile(50), viaGateway.percentile(99) - direct.percentile(99));
    }

    record Result(long requests, long errors, double seconds, long[] nanos) {
        double percentile(double p) {
            if (nanos.length == 0) {
                return Double.NaN;
            }
            return nanos[(int) Math.min(nanos.length - 1, Math.ceil(p / 100 * nanos.length) - 1)] / 1e6;
        }
    }

    static void report(String name, int threads, Result r) {
        System.out.printf("| %s | %d | %d | %d | %.0f | %.2f | %.2f |%n", name, threads, r.requests, r.errors,
                r.requests / r.seconds, r.percentile(50), r.percentile(99));
    }

    static Result run(int threads, int seconds, java.util.function.Supplier<HttpResponse<String>> call)
            throws Exception {
        for (int i = 0; i < 20; i++) { // warm-up
            call.get();
        }
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
                    HttpResponse<String> r = call.get();
                    samples.add(System.nanoTime() - t0);
                    if (r.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
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

    static HttpResponse<String> post(String base, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + "/auth/v2/oauth2/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> get(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String field(HttpResponse<String> response, int which) {
        Matcher m = FIELD.matcher(response.body());
        String wanted = which == 0 ? "access_token" : "refresh_token";
        while (m.find()) {
            if (m.group(1).equals(wanted)) {
                return m.group(2);
            }
        }
        throw new IllegalStateException("No " + wanted + " in " + response.statusCode() + " " + response.body());
    }
}
