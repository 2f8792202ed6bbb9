import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.sun.net.httpserver.HttpServer;
import org.bson.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Task-service figures on a running stack (bench/tasks.sh starts one). Single-file program, run with task-service's
 * classpath (Jackson, MongoDB driver). Tasks are created through the gateway with an admin token; the no-op function
 * is an {@code http} function whose target is a JDK HttpServer in this process (it answers {@code {}} at once);
 * per-task times are read from task-service's store afterwards ({@code creationTimestamp}, {@code startTimestamp},
 * {@code statusChangedTimestamp} of the finished task) and the receiver's arrival times.
 * <ol>
 * <li><b>Create and run</b>: N tasks created by 8 threads, due at once; creates/s, completions/s over the span from
 *     the first creation to the last completion, create → complete latency.</li>
 * <li><b>Queue drain</b>: N tasks created with one {@code startTimestamp} in the future, so they are all queued when
 *     they fall due; completions/s from that instant to the last completion. Twice: the second drain runs on JVMs
 *     that have compiled the whole path.</li>
 * <li><b>Scheduling latency</b>: tasks due one at a time (every 100 ms); latency = the function's HTTP request
 *     arriving here minus the task's {@code startTimestamp}.</li>
 * <li><b>Node cold/warm</b>: a Node function that reports to this process when its handler starts; the first task
 *     after the function's creation (unpack + process start) and the later ones, one at a time; and direct
 *     executions ({@code POST /functions/{name}/execute}) of a second fresh Node function, timed round trip.</li>
 * </ol>
 *
 * <p>Arguments: gatewayUrl mongoUri clientId clientSecret email password tasks drainTasks
 */
public class TasksBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Arrival time (epoch ms) of each task id at the receiver. */
    private static final Map<String, Long> ARRIVALS = new ConcurrentHashMap<>();
    /** Function requests received per wave: waiting on them costs the stack nothing, unlike counting in its DB. */
    private static final Map<String, AtomicInteger> WAVE_ARRIVALS = new ConcurrentHashMap<>();
    /** Handler-start reports of the Node function: task id → epoch ms. */
    private static final Map<String, Long> NODE_STARTS = new ConcurrentHashMap<>();

    private static String gateway;
    private static String login;
    private static String token;

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        gateway = args[0];
        String mongoUri = args[1];
        login = JSON.writeValueAsString(Map.of("grant_type", "password", "client_id", args[2],
                "client_secret", args[3], "username", args[4], "password", args[5]));
        int tasks = Integer.parseInt(args[6]);
        int drain = Integer.parseInt(args[7]);
        login();

        // Without TCP_NODELAY the JDK server sends the answer's headers and body as two segments and the second
        // waits for the client's delayed ACK: ~40 ms added to every task, which measured the bench, not the queue.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        receiver.setExecutor(Executors.newFixedThreadPool(16));
        receiver.createContext("/noop", exchange -> {
            long now = System.currentTimeMillis();
            JsonNode task = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ARRIVALS.put(task.path("id").asString(), now);
            WAVE_ARRIVALS.computeIfAbsent(task.path("data").path("wave").asString(), w -> new AtomicInteger())
                    .incrementAndGet();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.createContext("/node-start", exchange -> {
            long now = System.currentTimeMillis();
            NODE_STARTS.put(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim(), now);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String suffix = Long.toString(System.currentTimeMillis(), 36);

        try (MongoClient mongo = MongoClients.create(mongoUri)) {
            MongoCollection<Document> store = mongo.getDatabase(mongoUri.substring(mongoUri.lastIndexOf('/') + 1))
                    .getCollection("tasks");
            String noop = "bench-noop-" + suffix;
            createFunction(Map.of("name", noop, "runtime", "http", "entryPoint", receiverUrl + "/noop",
                    "timeLimit", 10));

            // 1. create and run
            System.out.println("| workload | tasks | created/s | completed/s | latency p50 ms | p99 ms | max ms |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            long t0 = System.currentTimeMillis();
            double createRate = createTasks(noop, tasks, null, "run");
            List<Document> done = awaitFinished(store, noop, "run", tasks);
            long lastDone = done.stream().mapToLong(d -> d.getDate("statusChangedTimestamp").getTime()).max().orElse(t0);
            List<Long> latency = new ArrayList<>();
            done.forEach(d -> latency.add(d.getDate("statusChangedTimestamp").getTime()
                    - d.getDate("creationTimestamp").getTime()));
            row("create and run (8 creating threads, due at once)", done, createRate,
                    done.size() / ((lastDone - t0) / 1000.0), latency);

            // 2. queue drain, twice: the first still pays for JIT compilation of the paths phase 1 did not take (in
            // session 18's profiles, compiler threads took most of a core during a first drain after 500 tasks)
            double drainCreateRate = drain(store, noop, drain, createRate, "drain",
                    "queue drain (" + drain + " queued, due at one instant)");
            drain(store, noop, drain, drainCreateRate, "drain2", "second queue drain, same size (steady state)");

            login();
            // 3. scheduling latency: due one at a time
            int spaced = 100;
            long first = System.currentTimeMillis() + 3000;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < spaced; i++) {
                ids.add(createTask(noop, Map.of("wave", "spaced", "i", i), Instant.ofEpochMilli(first + i * 100L)));
            }
            awaitFinished(store, noop, "spaced", spaced);
            List<Long> startLatency = new ArrayList<>();
            for (Document d : store.find(Filters.eq("data.wave", "spaced"))) {
                Long arrived = ARRIVALS.get(d.getObjectId("_id").toHexString());
                if (arrived != null) {
                    startLatency.add(arrived - d.getDate("startTimestamp").getTime());
                }
            }
            startLatency.sort(null);
            System.out.println();
            System.out.printf("Scheduling latency (startTimestamp → the function's request arrives), %d tasks due "
                    + "every 100 ms: p50 %d ms, p99 %d ms, max %d ms (ids created: %d)%n", startLatency.size(),
                    percentile(startLatency, 50), percentile(startLatency, 99),
                    startLatency.get(startLatency.size() - 1), ids.size());

            login();
            // 4. Node cold and warm start
            System.out.println();
            nodeColdWarm(store, receiverUrl, suffix);
        } finally {
            receiver.stop(0);
            ((ExecutorService) receiver.getExecutor()).shutdownNow();
        }
    }

    /**
     * Creates {@code count} tasks due at one instant after all are created (estimated from {@code createRate}),
     * waits for them, prints a row; returns the rate they were created at.
     */
    static double drain(MongoCollection<Document> store, String noop, int count, double createRate, String wave,
                      String label) throws Exception {
        login();
        long due = System.currentTimeMillis() + (long) (count / Math.max(1, createRate) * 1500) + 3000;
        double drainCreateRate = createTasks(noop, count, Instant.ofEpochMilli(due), wave);
        long createdBy = System.currentTimeMillis();
        List<Document> done = awaitFinished(store, noop, wave, count);
        long lastDone = done.stream().mapToLong(d -> d.getDate("statusChangedTimestamp").getTime()).max().orElse(due);
        List<Long> latency = new ArrayList<>();
        done.forEach(d -> latency.add(d.getDate("statusChangedTimestamp").getTime() - due));
        row(label + (createdBy > due ? " — creation overran the due time" : ""), done, drainCreateRate,
                done.size() / ((lastDone - due) / 1000.0), latency);
        return drainCreateRate;
    }

    static void nodeColdWarm(MongoCollection<Document> store, String receiverUrl, String suffix) throws Exception {
        String handler = """
                const started = Date.now();
                exports.handler = async (event) => {
                  await fetch(process.env.BENCH_URL + '/node-start', { method: 'POST', body: event.id });
                  return { processAgeMs: Date.now() - started };
                };
                """;
        String code = zip(Map.of("index.js", handler));
        String queued = "bench-node-" + suffix;
        createFunction(Map.of("name", queued, "runtime", "nodejs20.x", "entryPoint", "index.handler", "code", code,
                "environmentVariables", Map.of("BENCH_URL", Map.of("value", receiverUrl))));
        System.out.println("| Node function, queued task (one at a time) | create → handler starts ms | create → "
                + "complete ms |");
        System.out.println("| --- | --- | --- |");
        List<long[]> warm = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String id = createTask(queued, Map.of("wave", "node", "i", i), null);
            Document d = awaitOne(store, id);
            long created = d.getDate("creationTimestamp").getTime();
            Long handlerStart = NODE_STARTS.get(id);
            long[] t = {handlerStart == null ? -1 : handlerStart - created,
                    d.getDate("statusChangedTimestamp").getTime() - created};
            if (i == 0) {
                System.out.printf("| cold: first task after create (%s) | %d | %d |%n", d.getString("status"), t[0],
                        t[1]);
            } else {
                warm.add(t);
            }
        }
        warm.sort((a, b) -> Long.compare(a[1], b[1]));
        long[] median = warm.get(warm.size() / 2);
        System.out.printf("| warm: median of %d later tasks | %d | %d |%n", warm.size(), median[0], median[1]);

        String direct = "bench-node-direct-" + suffix;
        createFunction(Map.of("name", direct, "runtime", "nodejs20.x", "entryPoint", "index.handler", "code", code,
                "environmentVariables", Map.of("BENCH_URL", Map.of("value", receiverUrl))));
        List<Long> rounds = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long start = System.nanoTime();
            send("POST", "/tasks/v1/functions/" + direct + "/execute", "{\"data\":{}}", token, 200);
            rounds.add((System.nanoTime() - start) / 1_000_000);
        }
        long cold = rounds.remove(0);
        rounds.sort(null);
        System.out.printf("%nNode direct execution round trip through the gateway: cold (first after create) %d ms, "
                + "warm p50 %d ms, max %d ms (%d runs)%n", cold, rounds.get(rounds.size() / 2),
                rounds.get(rounds.size() - 1), rounds.size());
    }

    /** A fresh admin token before each workload, so none runs out mid-way. */
    static void login() throws Exception {
        token = JSON.readTree(send("POST", "/auth/v2/oauth2/tokens", login, null, 200)).path("access_token")
                .asString();
    }

    static void createFunction(Map<String, Object> body) throws Exception {
        send("POST", "/tasks/v1/functions/", JSON.writeValueAsString(body), token, 200);
    }

    static String createTask(String function, Map<String, Object> data, Instant startTimestamp) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("functionName", function);
        body.put("data", data);
        if (startTimestamp != null) {
            body.put("startTimestamp", startTimestamp.toString());
        }
        return JSON.readTree(send("POST", "/tasks/v1/", JSON.writeValueAsString(body), token, 200)).path("id")
                .asString();
    }

    /** Creates {@code count} tasks with 8 threads; returns the creation rate. */
    static double createTasks(String function, int count, Instant startTimestamp, String wave) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(threads.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    createTask(function, Map.of("wave", wave, "i", i), startTimestamp);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.MINUTES);
        }
        threads.shutdown();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** Waits until every task of the wave is finished (or 10 minutes); returns the finished ones. */
    static List<Document> awaitFinished(MongoCollection<Document> store, String function, String wave, int count)
            throws InterruptedException {
        var finished = Filters.and(Filters.eq("functionName", function), Filters.eq("data.wave", wave),
                Filters.in("status", List.of("complete", "failed")));
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        // Until every task reached the function, wait on the receiver: counting in task-service's database every
        // half second was a scan of every task, some 5 % of the stack's CPU during a drain.
        while (System.nanoTime() < deadline
                && WAVE_ARRIVALS.getOrDefault(wave, new AtomicInteger()).get() < count) {
            Thread.sleep(100);
        }
        while (System.nanoTime() < deadline && store.countDocuments(finished) < count) {
            Thread.sleep(200);
        }
        List<Document> out = store.find(finished).into(new ArrayList<>());
        long failed = out.stream().filter(d -> "failed".equals(d.getString("status"))).count();
        if (failed > 0 || out.size() < count) {
            System.out.printf("(%s: %d of %d finished, %d failed)%n", wave, out.size(), count, failed);
        }
        return out;
    }

    static Document awaitOne(MongoCollection<Document> store, String id) throws InterruptedException {
        var filter = Filters.and(Filters.eq("_id", new org.bson.types.ObjectId(id)),
                Filters.in("status", List.of("complete", "failed")));
        for (int i = 0; i < 1200; i++) {
            Document d = store.find(filter).first();
            if (d != null) {
                return d;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Task " + id + " did not finish");
    }

    static void row(String workload, List<Document> done, double createRate, double completeRate,
                    List<Long> latency) {
        latency.sort(null);
        System.out.printf("| %s | %d | %.0f | %.0f | %d | %d | %d |%n", workload, done.size(), createRate,
                completeRate, percentile(latency, 50), percentile(latency, 99),
                latency.isEmpty() ? -1 : latency.get(latency.size() - 1));
    }

    static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? -1
                : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static String zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static String send(String method, String path, String body, String bearer, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
