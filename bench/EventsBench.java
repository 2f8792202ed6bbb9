import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.events.EventsAutoConfiguration;

/**
 * Event latency and throughput on a running stack (bench/events.sh starts one). Single-file program, run with
 * event-service's classpath (Kafka client, MongoDB driver, Spring Boot) and this checkout's platform jar:
 * <ol>
 * <li><b>Through a producing service</b>: password grants through the gateway make auth-service publish
 *     {@code login_succeeded} through its outbox; latency = the event's {@code stored_at} in event-service's store
 *     minus its {@code creation_timestamp} (set by auth-service when it published, right after its write).</li>
 * <li><b>Sustained</b>: events sent to {@code medbase.data} at a fixed rate, as an outbox relay sends them (CloudEvents
 *     headers, keyed by aggregate, acks=all), each timed at its send; latency as above, and the storing rate.</li>
 * <li><b>Through an outbox</b>: the same rate published with platform's {@code EventPublisher} in this JVM (its
 *     outbox in the database {@code medbase-bench-outbox}, the relay woken by each publish, as in a service);
 *     latency from the publish to {@code stored_at}.</li>
 * <li><b>Ceiling</b>: a burst sent as fast as the producer goes; the storing rate.</li>
 * </ol>
 * Stored events are then counted through the events API as well (they are queryable, not only in the database).
 *
 * <p>Arguments: gatewayUrl kafkaBootstrap mongoUri clientId clientSecret email password rate seconds burst
 */
public class EventsBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN); // the Kafka and MongoDB clients' INFO lines
        String gateway = args[0], kafka = args[1], mongoUri = args[2], clientId = args[3], secret = args[4],
                email = args[5], password = args[6];
        int rate = Integer.parseInt(args[7]);
        int seconds = Integer.parseInt(args[8]);
        int burst = Integer.parseInt(args[9]);
        String login = "{\"grant_type\":\"password\",\"client_id\":\"" + clientId + "\",\"client_secret\":\"" + secret
                + "\",\"username\":\"" + email + "\",\"password\":\"" + password + "\"}";
        String token = accessToken(post(gateway + "/auth/v2/oauth2/tokens", login, null));

        try (MongoClient mongo = MongoClients.create(mongoUri)) {
            MongoCollection<Document> events = mongo.getDatabase(mongoUri.substring(mongoUri.lastIndexOf('/') + 1))
                    .getCollection("events");
            System.out.println("| workload | events | sent/s | stored/s | latency p50 ms | p99 ms | max ms | queryable |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");

            // 1. through auth-service's outbox
            Date since = new Date();
            int logins = 100;
            long start = System.nanoTime();
            for (int i = 0; i < logins; i++) {
                post(gateway + "/auth/v2/oauth2/tokens", login, null);
                pace(start, i + 1, 20); // 20 logins/s: hashing, not events, is the limit here
            }
            double sentRate = logins / ((System.nanoTime() - start) / 1e9);
            List<Document> stored = awaitStored(events, Filters.and(Filters.eq("type", "login_succeeded"),
                    Filters.gte("creation_timestamp", since)), logins);
            report("login_succeeded from auth-service (outbox, relay, Kafka, store)", stored, sentRate,
                    apiTotal(gateway, token, "eq(type,login_succeeded)&gt(creation_timestamp," + since.getTime() + ")"));

            // warm-up: 5 s at the rate, so the figures below are of JIT-compiled code (reported, not a measure)
            String type = "bench_warmup_" + new ObjectId().toHexString().substring(16);
            sentRate = send(kafka, type, rate * 5, rate);
            report("warm-up, " + rate + "/s for 5 s (not a measure)", awaitStored(events, Filters.eq("type", type),
                    rate * 5), sentRate, apiTotal(gateway, token, "eq(type," + type + ")"));

            // 2. sustained rate, as a relay sends
            type = "bench_sustained_" + new ObjectId().toHexString().substring(16);
            int count = rate * seconds;
            sentRate = send(kafka, type, count, rate);
            stored = awaitStored(events, Filters.eq("type", type), count);
            report("sustained, " + rate + "/s for " + seconds + " s (medbase.data)", stored, sentRate,
                    apiTotal(gateway, token, "eq(type," + type + ")"));

            // 3. the same rate from one service's outbox: EventPublisher, relay, Kafka, store
            type = "bench_outbox_" + new ObjectId().toHexString().substring(16);
            sentRate = publishThroughOutbox(kafka, mongoUri.substring(0, mongoUri.lastIndexOf('/') + 1)
                    + "medbase-bench-outbox", type, count, rate);
            stored = awaitStored(events, Filters.eq("type", type), count);
            report("sustained through an outbox, " + rate + "/s for " + seconds + " s (publisher, relay)", stored,
                    sentRate, apiTotal(gateway, token, "eq(type," + type + ")"));

            // 4. ceiling
            type = "bench_burst_" + new ObjectId().toHexString().substring(16);
            sentRate = send(kafka, type, burst, 0);
            stored = awaitStored(events, Filters.eq("type", type), burst);
            report("burst of " + burst + " (medbase.data)", stored, sentRate,
                    apiTotal(gateway, token, "eq(type," + type + ")"));
        }
    }

    /** Sends {@code count} events at {@code rate}/s (0: as fast as possible); returns the achieved send rate. */
    static double send(String bootstrap, String type, int count, int rate) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String aggregate = "doc-" + ThreadLocalRandom.current().nextInt(100);
                ProducerRecord<String, String> record = new ProducerRecord<>("medbase.data", null, aggregate,
                        "{\"id\":\"" + aggregate + "\",\"seq\":" + i + "}");
                header(record, "ce_specversion", "1.0");
                header(record, "ce_id", new ObjectId().toHexString());
                header(record, "ce_type", type);
                header(record, "ce_source", "data");
                header(record, "ce_time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                header(record, "content-type", "application/json");
                producer.send(record);
                if (rate > 0) {
                    pace(start, i + 1, rate);
                }
            }
            producer.flush();
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** A service with nothing but the platform's events (outbox, relay), publishing as source {@code data}. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({JacksonAutoConfiguration.class, MongoAutoConfiguration.class,
            DataMongoAutoConfiguration.class, KafkaAutoConfiguration.class, EventsAutoConfiguration.class})
    public static class OutboxService {
    }

    /**
     * Publishes {@code count} events at {@code rate}/s through a real {@link EventPublisher} (outbox in its own
     * database, relay woken by each publish, as in a service); waits until the relay has sent them all. Returns the
     * achieved publishing rate.
     */
    static double publishThroughOutbox(String bootstrap, String mongoUri, String type, int count, int rate)
            throws Exception {
        // Spring loads configuration classes by name: from the source launcher's class loader, which holds this file.
        Thread.currentThread().setContextClassLoader(EventsBench.class.getClassLoader());
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(OutboxService.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties("spring.mongodb.uri=" + mongoUri, "spring.kafka.bootstrap-servers=" + bootstrap,
                        "medbase.events.source=data", "logging.level.root=WARN")
                .run(); MongoClient mongo = MongoClients.create(mongoUri)) {
            EventPublisher publisher = service.getBean(EventPublisher.class);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                publisher.publish(type, "doc-" + ThreadLocalRandom.current().nextInt(100), Map.of("seq", i));
                pace(start, i + 1, rate);
            }
            double achieved = count / ((System.nanoTime() - start) / 1e9);
            MongoCollection<Document> outbox = mongo.getDatabase(mongoUri.substring(mongoUri.lastIndexOf('/') + 1))
                    .getCollection("outbox");
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (outbox.countDocuments() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            return achieved;
        }
    }

    static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Sleeps until {@code done} items at {@code perSecond} are due. */
    static void pace(long start, int done, int perSecond) throws InterruptedException {
        long due = start + (long) (done * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    static List<Document> awaitStored(MongoCollection<Document> events, org.bson.conversions.Bson filter, int atLeast)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        List<Document> found = new ArrayList<>();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long n = events.countDocuments(filter);
            if (n != last) {
                last = n;
                stableSince = System.nanoTime();
            }
            if (n >= atLeast || (n > 0 && System.nanoTime() - stableSince > Duration.ofSeconds(20).toNanos())) {
                break;
            }
            Thread.sleep(200);
        }
        events.find(filter).projection(new Document("creation_timestamp", 1).append("stored_at", 1)).into(found);
        return found;
    }

    static void report(String workload, List<Document> stored, double sentRate, long queryable) {
        if (stored.isEmpty()) {
            System.out.printf("| %s | 0 | %.0f | – | – | – | – | %d |%n", workload, sentRate, queryable);
            return;
        }
        List<Long> latencies = new ArrayList<>();
        long firstStored = Long.MAX_VALUE, lastStored = Long.MIN_VALUE;
        for (Document d : stored) {
            long created = d.getDate("creation_timestamp").getTime();
            long at = d.getDate("stored_at").getTime();
            latencies.add(at - created);
            firstStored = Math.min(firstStored, at);
            lastStored = Math.max(lastStored, at);
        }
        latencies.sort(null);
        double storedRate = stored.size() / Math.max(0.001, (lastStored - firstStored) / 1000.0);
        System.out.printf("| %s | %d | %.0f | %.0f | %d | %d | %d | %d |%n", workload, stored.size(), sentRate,
                storedRate, percentile(latencies, 50), percentile(latencies, 99),
                latencies.get(latencies.size() - 1), queryable);
    }

    static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** page.total of an events query through the gateway. */
    static long apiTotal(String gateway, String token, String rql) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/events/v1/?" + rql
                + "&limit(1)")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = TOTAL.matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
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
