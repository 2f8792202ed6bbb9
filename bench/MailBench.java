import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mail throughput on a running stack (bench/mail.sh starts one): templated mails accepted per second
 * ({@code POST /mail/v1/} with a v2 template, N threads, through the gateway with an admin token) with p50/p99 of the
 * accept call, and delivered per second to the devstack's SMTP catcher (the time from the first accept until the
 * catcher holds every mail, counted through its viewer's {@code GET /api/messages?to=}). Warm-up rounds of 300 mails,
 * each delivered and then cleared from the catcher, run for at least warmupSeconds before the measured round, so the
 * JIT and the connection pools settle (with one short round most of the measured round's CPU went to the JIT
 * compilers). Single-file program, JDK only: java bench/MailBench.java.
 *
 * <p>Arguments: gatewayUrl mailViewerUrl clientId clientSecret email password mails threads [warmupSeconds]
 */
public class MailBench {

    /** The catcher keeps its newest 2,000 messages: a round must fit. */
    private static final int CATCHER_KEEPS = 2000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SUBJECT = Pattern.compile("\"subject\":");

    public static void main(String[] args) throws Exception {
        String gateway = args[0], viewer = args[1], clientId = args[2], secret = args[3], email = args[4],
                password = args[5];
        int mails = Integer.parseInt(args[6]);
        int threads = Integer.parseInt(args[7]);
        int warmupSeconds = args.length > 8 ? Integer.parseInt(args[8]) : 40;
        if (mails > CATCHER_KEEPS) {
            throw new IllegalArgumentException("at most " + CATCHER_KEEPS + " mails: the catcher keeps "
                    + CATCHER_KEEPS);
        }
        String login = "{\"grant_type\":\"password\",\"client_id\":\"" + clientId + "\",\"client_secret\":\""
                + secret + "\",\"username\":\"" + email + "\",\"password\":\"" + password + "\"}";
        // services answer health before their start-up runners are done (the bootstrap client, the admin): wait
        HttpResponse<String> loggedIn = post(gateway + "/auth/v2/oauth2/tokens", login, null);
        for (int i = 0; i < 180 && loggedIn.statusCode() != 200; i++) {
            Thread.sleep(1000);
            loggedIn = post(gateway + "/auth/v2/oauth2/tokens", login, null);
        }
        String token = accessToken(loggedIn);
        String run = Long.toString(System.currentTimeMillis(), 36);
        String template = "bench_order_" + run;
        HttpResponse<String> created = post(gateway + "/templates/v2/", """
                {"name": "%s", "description": "bench/mail.sh",
                 "inputs": {"first_name": {"type": "string"}, "order_id": {"type": "number"},
                            "items": {"type": "array", "items": {"type": "string"}}},
                 "outputs": {"subject": "Order {{@inputs.order_id}} for {{@inputs.first_name}} is ready",
                             "body": "<h1>Hello {{@inputs.first_name}},</h1><p>Your order {{@inputs.order_id}} is ready:</p><ul>{{#each @inputs.items}}<li>{{this}}</li>{{/each}}</ul><p>Kind regards,<br>The Medbase team</p><img src=\\"%s/mail/v1/{{@inputs.tracking_hash}}/open\\" width=\\"1\\" height=\\"1\\">"}}
                """.formatted(template, gateway), token);
        if (created.statusCode() != 200) {
            throw new IllegalStateException("template: " + created.statusCode() + " " + created.body());
        }

        System.out.printf("Templated mails (v2 template by name, %d threads, through the gateway)%n%n", threads);
        System.out.println("| round | mails | errors | accepted/s | accept p50 ms | p99 ms | max ms | all delivered after s | delivered/s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
        for (int w = 1; w == 1 || System.nanoTime() < warmupEnd; w++) {
            round("warm-up " + w, gateway, viewer, token, template, "warmup" + w + "." + run + "@example.com", 300,
                    threads);
            HttpResponse<String> cleared = HTTP.send(HttpRequest.newBuilder(URI.create(viewer + "/api/messages"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            if (cleared.statusCode() / 100 != 2) {
                throw new IllegalStateException("could not clear the catcher: " + cleared.statusCode());
            }
        }
        round("measured", gateway, viewer, token, template, "bench." + run + "@example.com", mails, threads);
    }

    static void round(String name, String gateway, String viewer, String token, String template, String to, int mails,
                      int threads) throws Exception {
        long[] nanos = new long[mails];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<String> firstErrors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < mails) {
                    String body = "{\"recipients\":{\"to\":[\"" + to + "\"]},\"template_name\":\"" + template
                            + "\",\"content\":{\"first_name\":\"Zoë " + i + "\",\"order_id\":" + i
                            + ",\"items\":[\"blood pressure monitor\",\"cuff, size M\",\"batteries\"]}}";
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = post(gateway + "/mail/v1/", body, token);
                        nanos[i] = System.nanoTime() - t0;
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                            synchronized (firstErrors) {
                                if (firstErrors.size() < 3) {
                                    firstErrors.add(r.statusCode() + " " + r.body());
                                }
                            }
                        }
                    } catch (Exception e) {
                        nanos[i] = System.nanoTime() - t0;
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        double acceptSeconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        int expected = mails - errors.get();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        int delivered;
        while ((delivered = delivered(viewer, to)) < expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        double deliveredSeconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("| %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.0f |%n", name, mails, errors.get(),
                mails / acceptSeconds, percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1] / 1e6, deliveredSeconds, delivered / deliveredSeconds);
        if (delivered < expected) {
            System.out.printf("(only %d of %d accepted mails arrived within 10 minutes)%n", delivered, expected);
        }
        for (String e : firstErrors) {
            System.out.println("error: " + e);
        }
    }

    /** How many messages to this address the catcher holds. */
    static int delivered(String viewer, String to) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(viewer + "/api/messages?to="
                + URLEncoder.encode(to, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = SUBJECT.matcher(r.body());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
    }

    static HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String accessToken(HttpResponse<String> r) {
        Matcher m = ACCESS_TOKEN.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("No token: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }
}
