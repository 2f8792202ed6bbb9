package dev.medbase.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import dev.medbase.devstack.infra.EmbeddedSmtp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Medbase on one machine: MongoDB (wire protocol, H2 file), a Kafka broker and an SMTP server with a
 * mail viewer run in this JVM; the seven services and the gateway run as child JVMs ({@code java <options> -jar
 * <repo>/<module>/target/<module>.jar}), each configured through its environment (see
 * {@link StackConfig#childEnvironment}) and logging to {@code <logDir>/<module>.log}.
 * <p>
 * {@link #start()} returns once every service answers {@code GET <prefix>/health} with 200, directly and through the
 * gateway, or throws {@link StackStartException} naming what failed (and stops what it had started). {@link #close()}
 * stops the children (SIGTERM, then SIGKILL after 30 s, or 90 s while one records its class-data archive;
 * descendants included), then SMTP, Kafka and MongoDB. It may be
 * called from another thread (a shutdown hook) while {@code start()} is still waiting; start() then fails. If this
 * JVM is killed outright (kill -9), a {@link Watchdog} process ends the children.
 * <pre>{@code
 * try (Stack stack = new Stack(StackConfig.builder(tmp, repo).freePorts().build()).start()) {
 *     http.get(stack.gatewayUrl() + "/users/v1/health");
 *     http.get(stack.mailViewerUrl() + "/api/messages");
 * }
 * }</pre>
 */
public final class Stack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Stack.class);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** A service recording its class-data archive writes it on exit: seconds of CPU each, eight at once. */
    static final Duration TRAINING_STOP_GRACE = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int TAIL_LINES = 30;

    private final StackConfig config;
    private final Map<String, String> parentEnvironment;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final Map<Service, Child> children = Collections.synchronizedMap(new EnumMap<>(Service.class));
    private EmbeddedMongo mongo;
    private EmbeddedKafka kafka;
    private EmbeddedSmtp smtp;
    private Watchdog watchdog;
    private volatile boolean closed;
    private volatile boolean started;
    private volatile Duration startupTime;

    private record Child(Service service, ChildProcess process, ClassDataSharing.Launch launch,
                         AtomicBoolean healthy) {
    }

    public Stack(StackConfig config) {
        this(config, System.getenv());
    }

    /** @param parentEnvironment where the children's basic variables (PATH, HOME, locale …) come from */
    Stack(StackConfig config, Map<String, String> parentEnvironment) {
        this.config = config;
        this.parentEnvironment = Map.copyOf(parentEnvironment);
    }

    // ---------------------------------------------------------------- accessors

    public StackConfig config() {
        return config;
    }

    public String gatewayUrl() {
        return config.gatewayUrl();
    }

    /** A service's own URL (bypassing the gateway), e.g. {@code http://127.0.0.1:8082}. */
    public String serviceUrl(Service service) {
        return config.url(service);
    }

    /** The mail viewer; {@code GET <url>/api/messages} lists received mail as JSON. */
    public String mailViewerUrl() {
        return config.mailViewerUrl();
    }

    public EmbeddedMongo mongo() {
        return mongo;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedSmtp smtp() {
        return smtp;
    }

    public boolean isRunning() {
        return started && !closed;
    }

    /** From {@link #start()} being called to everything healthy through the gateway; null until then. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The child JVM of a service or of the gateway, once launched. */
    public Optional<ChildProcess> process(Service service) {
        Child child = children.get(service);
        return child == null ? Optional.empty() : Optional.of(child.process());
    }

    // ---------------------------------------------------------------- start

    /**
     * Starts everything and waits until it is healthy.
     *
     * @throws StackStartException when a jar is missing, a port is taken, a child dies or is not healthy within
     *                             {@link StackConfig#startTimeout()}; everything started so far is stopped again
     */
    public Stack start() {
        long begin = System.nanoTime();
        if (started || closed) {
            throw new IllegalStateException("A Stack starts once");
        }
        try {
            checkJars();
            checkPorts();
            startInfrastructure();
            long deadline = System.nanoTime() + config.startTimeout().toNanos();
            launchChildren();
            awaitHealthy(deadline);
            startupTime = Duration.ofNanos(System.nanoTime() - begin);
            started = true;
            watchUnexpectedExits();
            return this;
        } catch (RuntimeException e) {
            boolean closedElsewhere = closed;
            close();
            if (closedElsewhere) {
                throw new StackStartException("Medbase was stopped while it was starting", List.of(), e);
            }
            if (e instanceof StackStartException failure) {
                throw failure;
            }
            throw new StackStartException("Medbase did not start: " + e.getMessage(), List.of(), e);
        }
    }

    private void checkJars() {
        List<String> missing = new ArrayList<>();
        for (Service s : Service.values()) {
            if (!Files.isRegularFile(config.jar(s))) {
                missing.add(config.repoRoot().relativize(config.jar(s)).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new StackStartException("Medbase cannot start: missing " + String.join(", ", missing)
                    + " under " + config.repoRoot() + ". Build them with ./mvnw -B -DskipTests package"
                    + " (./medbase start does that for you).", List.of(), null);
        }
    }

    private void checkPorts() {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (Service s : Service.values()) {
            wanted.put(s.module() + " (" + s.portVariable() + ")", config.port(s));
        }
        wanted.put("MongoDB (MEDBASE_MONGO_PORT)", config.mongoPort());
        wanted.put("Kafka (MEDBASE_KAFKA_PORT)", config.kafkaPort());
        wanted.put("SMTP (MEDBASE_SMTP_PORT)", config.smtpPort());
        wanted.put("the mail viewer (MEDBASE_MAIL_UI_PORT)", config.mailViewerPort());
        List<String> taken = new ArrayList<>();
        wanted.forEach((what, port) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                taken.add(port + " for " + what);
            }
        });
        if (!taken.isEmpty()) {
            throw new StackStartException("Medbase cannot start: port " + String.join(", port ", taken)
                    + (taken.size() == 1 ? " is" : " are") + " already in use. Is Medbase (or something else) already"
                    + " running? Stop it, or choose other ports with the variables named.", List.of(), null);
        }
    }

    private void startInfrastructure() {
        long t = System.nanoTime();
        synchronized (this) {
            ensureOpen();
            mongo = new EmbeddedMongo(config.mongoPort(), config.mongoFile()).start();
        }
        synchronized (this) {
            ensureOpen();
            smtp = new EmbeddedSmtp(config.smtpPort(), config.mailViewerPort()).start();
        }
        synchronized (this) {
            ensureOpen();
            kafka = new EmbeddedKafka(config.kafkaPort(), config.kafkaDir()).start();
        }
        log.info("Infrastructure up in {}: MongoDB :{}, Kafka :{}, SMTP :{}", seconds(System.nanoTime() - t),
                config.mongoPort(), config.kafkaPort(), config.smtpPort());
    }

    private void launchChildren() {
        ClassDataSharing cds = config.cdsDir() == null ? null : new ClassDataSharing(config.cdsDir(), java);
        try {
            Files.createDirectories(config.logDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Preparing may extract a jar (first run): do the eight at once, and launch each as soon as it is ready.
        ExecutorService pool = Executors.newFixedThreadPool(Service.values().length, daemonThreads("medbase-launch"));
        try {
            List<Future<?>> launches = new ArrayList<>();
            for (Service s : Service.values()) {
                launches.add(pool.submit(() -> launch(s, cds)));
            }
            for (Future<?> f : launches) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClosedWhileStarting();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        synchronized (this) {
            ensureOpen();
            List<ProcessHandle> handles = new ArrayList<>();
            children.values().forEach(c -> handles.add(c.process().handle()));
            watchdog = Watchdog.watch(handles).orElse(null);
        }
    }

    private void launch(Service service, ClassDataSharing cds) {
        Path jar = config.jar(service);
        ClassDataSharing.Launch launch = cds == null ? ClassDataSharing.Launch.plain(jar)
                : cds.prepare(service, jar, config.jvmOptions());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(config.jvmOptions());
        command.addAll(launch.options());
        command.add("-jar");
        command.add(launch.jar().toString());
        Map<String, String> env = config.childEnvironment(service, parentEnvironment);
        synchronized (this) {
            ensureOpen();
            ChildProcess process = ChildProcess.start(service.module(), command, env, config.logFile(service),
                    config.dataDir());
            children.put(service, new Child(service, process, launch, new AtomicBoolean()));
        }
        log.debug("Launched {}: {}", service.module(), command);
    }

    // ---------------------------------------------------------------- health

    private record Check(Service service, String url, boolean throughGateway) {
    }

    private void awaitHealthy(long deadline) {
        ExecutorService threads = Executors.newFixedThreadPool(2, daemonThreads("medbase-health"));
        try {
            awaitHealthy(deadline, HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1))
                    .executor(threads)
                    .build());
        } finally {
            threads.shutdownNow();
        }
    }

    private void awaitHealthy(long deadline, HttpClient http) {
        Map<Service, Child> children;
        synchronized (this.children) {
            children = new EnumMap<>(this.children);
        }
        Map<Check, String> pending = new LinkedHashMap<>(); // check → last outcome
        for (Service s : Service.backends()) {
            pending.put(new Check(s, config.url(s) + s.healthPath(), false), "not tried yet");
        }
        for (Service s : Service.backends()) {
            pending.put(new Check(s, config.gatewayUrl() + s.healthPath(), true), "not tried yet");
        }
        while (true) {
            ensureOpen();
            for (Child child : children.values()) {
                if (!child.process().isAlive()) {
                    int code = child.process().exitCode().orElse(-1);
                    throw failure(child.service().module() + " exited with code " + code + " while starting",
                            List.of(child.service()));
                }
            }
            // A route through the gateway is tried once the service behind it answers directly.
            List<Check> due = pending.keySet().stream()
                    .filter(c -> !c.throughGateway() || children.get(c.service()).healthy().get())
                    .toList();
            Map<Check, CompletableFuture<String>> probes = new LinkedHashMap<>();
            for (Check check : due) {
                probes.put(check, probe(http, check.url()));
            }
            for (Map.Entry<Check, CompletableFuture<String>> probe : probes.entrySet()) {
                Check check = probe.getKey();
                String outcome = probe.getValue().join();
                if (outcome == null) {
                    pending.remove(check);
                    if (!check.throughGateway()) {
                        children.get(check.service()).healthy().set(true);
                    }
                } else {
                    pending.put(check, outcome);
                }
            }
            if (pending.isEmpty()) {
                children.get(Service.GATEWAY).healthy().set(true);
                return;
            }
            if (System.nanoTime() > deadline) {
                List<Service> late = new ArrayList<>();
                List<String> reasons = new ArrayList<>();
                pending.forEach((check, outcome) -> {
                    if (check.throughGateway() && !children.get(check.service()).healthy().get()) {
                        return; // the service itself is not healthy: its direct check says why
                    }
                    Service culprit = check.throughGateway() ? Service.GATEWAY : check.service();
                    if (!late.contains(culprit)) {
                        late.add(culprit);
                    }
                    reasons.add("GET " + check.url() + ": " + outcome);
                });
                throw failure("not healthy within " + config.startTimeout().toSeconds() + " s: "
                        + late.stream().map(Service::module).collect(Collectors.joining(", "))
                        + "\n  " + String.join("\n  ", reasons), late);
            }
            sleep(POLL);
        }
    }

    /** Completes with null when the URL answers 200, else with what happened instead. */
    private static CompletableFuture<String> probe(HttpClient http, String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> r.statusCode() == 200 ? (String) null : "HTTP " + r.statusCode())
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof ConnectException) {
                        return "connection refused";
                    }
                    if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
                        return "timed out";
                    }
                    return cause.toString();
                });
    }

    private StackStartException failure(String what, List<Service> culprits) {
        StringBuilder message = new StringBuilder("Medbase did not start: ").append(what);
        for (Service s : culprits.subList(0, Math.min(3, culprits.size()))) {
            Path logFile = config.logFile(s);
            List<String> tail = ChildProcess.tail(logFile, TAIL_LINES);
            message.append("\n\nLast ").append(tail.size()).append(" lines of ").append(logFile).append(':');
            for (String line : tail) {
                message.append("\n    ").append(line);
            }
        }
        return new StackStartException(message.toString(), culprits, null);
    }

    private void watchUnexpectedExits() {
        for (Child child : List.copyOf(children.values())) {
            child.process().onExit().thenRun(() -> {
                if (!closed) {
                    log.warn("{} exited unexpectedly (code {}); see {}", child.service().module(),
                            child.process().exitCode().map(String::valueOf).orElse("?"), child.process().logFile());
                }
            });
        }
    }

    // ---------------------------------------------------------------- stop

    /** Stops the children, then SMTP, Kafka and MongoDB. Idempotent; safe from a shutdown hook. */
    @Override
    public synchronized void close() {
        boolean wasOpen = !closed;
        closed = true;
        if (watchdog != null) {
            watchdog.close();
            watchdog = null;
        }
        List<Child> running = new ArrayList<>(children.values());
        children.clear();
        if (!running.isEmpty()) {
            long t = System.nanoTime();
            if (running.stream().anyMatch(c -> c.launch().isTraining() && c.healthy().get())) {
                log.info("Stopping; the services also save class-data archives, so that later starts are faster"
                        + " (only after a build; this takes a little while)");
            }
            List<CompletableFuture<Void>> stops = new ArrayList<>();
            for (Child child : running) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                Thread thread = new Thread(() -> {
                    try {
                        boolean graceful = child.process().stop(
                                child.launch().isTraining() ? TRAINING_STOP_GRACE : STOP_GRACE);
                        int code = child.process().exitCode().orElse(-1);
                        boolean clean = graceful && (code < 128 || code == 130 || code == 143);
                        child.launch().finish(clean && child.healthy().get());
                    } finally {
                        done.complete(null);
                    }
                }, "medbase-stop-" + child.service().module());
                thread.start();
                stops.add(done);
            }
            try {
                CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                        .get(TRAINING_STOP_GRACE.toSeconds() + 20, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("Some services did not stop: {}", e.toString());
            }
            log.info("Services stopped in {}", seconds(System.nanoTime() - t));
        }
        if (smtp != null) {
            quietly("SMTP", smtp::close);
            smtp = null;
        }
        if (kafka != null) {
            quietly("Kafka", kafka::close);
            kafka = null;
        }
        if (mongo != null) {
            quietly("MongoDB", mongo::close);
            mongo = null;
        }
        if (wasOpen && started) {
            log.info("Medbase stopped");
        }
    }

    private static void quietly(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            log.warn("Stopping {} failed: {}", what, e.toString());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final class ClosedWhileStarting extends RuntimeException {
        ClosedWhileStarting() {
            super("stopped while starting", null, false, false);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedWhileStarting();
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedWhileStarting();
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
