package dev.medbase.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a {@link Stack} needs: where data, logs and jars live, every port, the seeded credentials and how to run
 * the child JVMs. {@link #fromEnvironment} reads the {@code MEDBASE_*} settings the {@code ./medbase} script documents;
 * tests build one with {@link #builder} and usually {@link Builder#freePorts()}.
 *
 * @param dataDir          Mongo data ({@code mongo/}), Kafka logs ({@code kafka/}), CDS archives, pid file
 * @param logDir           one {@code <module>.log} per child; default {@code <dataDir>/logs}
 * @param repoRoot         where {@code <module>/target/<module>.jar} are found
 * @param ports            the port of every {@link Service}, gateway included
 * @param jvmOptions       options for every child JVM (before {@code -jar})
 * @param cdsDir           where class-data-sharing archives are kept, or {@code null} to run without CDS
 * @param startTimeout     how long start-up may take, from launching the children to all healthy through the gateway
 * @param extraEnvironment added to every child's environment; the contract variables win over it
 */
public record StackConfig(
        Path dataDir,
        Path logDir,
        Path repoRoot,
        Map<Service, Integer> ports,
        int mongoPort,
        int kafkaPort,
        int smtpPort,
        int mailViewerPort,
        String adminEmail,
        String adminPassword,
        String clientId,
        String clientSecret,
        List<String> jvmOptions,
        Path cdsDir,
        Duration startTimeout,
        Map<String, String> extraEnvironment) {

    /** ARCHITECTURE §8: small heap and stacks, serial GC, C1 only: the set starts about twice as fast on 2 cores. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xmx128m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8");

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    public static final String DEFAULT_ADMIN_EMAIL = "admin@medbase.local";
    public static final String DEFAULT_ADMIN_PASSWORD = "Medbase-admin-1";
    public static final String DEFAULT_CLIENT_ID = "medbase-devstack";
    public static final String DEFAULT_CLIENT_SECRET = "medbase-devstack-secret";

    /**
     * Variables the devstack reads (its own settings could collide with the services' properties, e.g.
     * MEDBASE_MAIL_PORT with medbase.mail.port) or sets itself: never passed through from the parent.
     */
    static final Set<String> DEVSTACK_VARIABLES = devstackVariables();

    /** From the parent's environment, only these (and {@code LC_*}) reach a child, plus the pass-through prefixes. */
    static final Set<String> INHERITED_VARIABLES = Set.of(
            "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "JAVA_HOME", "HOSTNAME");

    /** Spring settings a developer may give every service (e.g. {@code LOGGING_LEVEL_DEV_MEDBASE=DEBUG}). */
    static final List<String> PASS_THROUGH_PREFIXES = List.of("SPRING_", "LOGGING_", "MANAGEMENT_", "MEDBASE_");

    public StackConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(repoRoot, "repoRoot");
        dataDir = dataDir.toAbsolutePath().normalize();
        repoRoot = repoRoot.toAbsolutePath().normalize();
        logDir = logDir == null ? dataDir.resolve("logs") : logDir.toAbsolutePath().normalize();
        cdsDir = cdsDir == null ? null : cdsDir.toAbsolutePath().normalize();
        EnumMap<Service, Integer> p = new EnumMap<>(Service.class);
        p.putAll(Objects.requireNonNull(ports, "ports"));
        Map<Integer, String> used = new HashMap<>();
        for (Service s : Service.values()) {
            Integer port = p.get(s);
            if (port == null) {
                throw new IllegalArgumentException("No port for " + s.module());
            }
            claim(used, port, s.module());
        }
        claim(used, mongoPort, "MongoDB");
        claim(used, kafkaPort, "Kafka");
        claim(used, smtpPort, "SMTP");
        claim(used, mailViewerPort, "the mail viewer");
        ports = Collections.unmodifiableMap(p);
        Objects.requireNonNull(adminEmail, "adminEmail");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        jvmOptions = List.copyOf(jvmOptions);
        startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("The start timeout must be positive");
        }
        extraEnvironment = Collections.unmodifiableMap(new TreeMap<>(extraEnvironment == null ? Map.of() : extraEnvironment));
    }

    private static void claim(Map<Integer, String> used, int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port of " + what + " must be 1-65535, was " + port);
        }
        String other = used.putIfAbsent(port, what);
        if (other != null) {
            throw new IllegalArgumentException("Port " + port + " is given to both " + other + " and " + what);
        }
    }

    // ---------------------------------------------------------------- factories

    /** All defaults (gateway 8080, services 8081-8087, Mongo 27017, Kafka 9092, SMTP 2525, viewer 8025, no CDS). */
    public static Builder builder(Path dataDir, Path repoRoot) {
        return new Builder(dataDir, repoRoot);
    }

    /**
     * Reads the devstack settings: {@code MEDBASE_HOME} (repo root, else {@code defaultRepoRoot}),
     * {@code MEDBASE_DATA_DIR} ({@code ./data}), {@code MEDBASE_LOG_DIR} ({@code <data>/logs}), {@code MEDBASE_PORT}
     * (8080), {@code MEDBASE_AUTH_PORT}, {@code _USERS_}, {@code _DATA_}, {@code _FILES_}, {@code _TASKS_},
     * {@code _EVENTS_}, {@code MEDBASE_MAIL_PORT} (8081-8087), {@code MEDBASE_MONGO_PORT} (27017),
     * {@code MEDBASE_KAFKA_PORT} (9092), {@code MEDBASE_SMTP_PORT} (2525), {@code MEDBASE_MAIL_UI_PORT} (8025),
     * {@code MEDBASE_ADMIN_EMAIL}, {@code MEDBASE_ADMIN_PASSWORD}, {@code MEDBASE_CLIENT_ID},
     * {@code MEDBASE_CLIENT_SECRET}, {@code MEDBASE_JVM_OPTS} (replaces the default child JVM options; split on
     * spaces), {@code MEDBASE_CDS} (class data sharing with archives in {@code <data>/cds}; {@code false} turns it
     * off), {@code MEDBASE_START_TIMEOUT}
     * (seconds, 120). Other {@code SPRING_*}, {@code LOGGING_*}, {@code MANAGEMENT_*} and {@code MEDBASE_*}
     * variables are passed on to the children.
     *
     * @throws IllegalArgumentException naming the variable when a value is unusable
     */
    public static StackConfig fromEnvironment(Map<String, String> env, Path defaultRepoRoot) {
        Path repo = env.containsKey("MEDBASE_HOME") ? Path.of(env.get("MEDBASE_HOME")) : defaultRepoRoot;
        Path data = Path.of(env.getOrDefault("MEDBASE_DATA_DIR", "data"));
        Builder b = builder(data, repo);
        if (env.containsKey("MEDBASE_LOG_DIR")) {
            b.logDir(Path.of(env.get("MEDBASE_LOG_DIR")));
        }
        for (Service s : Service.values()) {
            b.port(s, port(env, s.portVariable(), s.defaultPort()));
        }
        b.mongoPort(port(env, "MEDBASE_MONGO_PORT", b.mongoPort))
                .kafkaPort(port(env, "MEDBASE_KAFKA_PORT", b.kafkaPort))
                .smtpPort(port(env, "MEDBASE_SMTP_PORT", b.smtpPort))
                .mailViewerPort(port(env, "MEDBASE_MAIL_UI_PORT", b.mailViewerPort))
                .adminEmail(env.getOrDefault("MEDBASE_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL))
                .adminPassword(env.getOrDefault("MEDBASE_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD))
                .clientId(env.getOrDefault("MEDBASE_CLIENT_ID", DEFAULT_CLIENT_ID))
                .clientSecret(env.getOrDefault("MEDBASE_CLIENT_SECRET", DEFAULT_CLIENT_SECRET));
        if (env.containsKey("MEDBASE_JVM_OPTS")) {
            String opts = env.get("MEDBASE_JVM_OPTS").trim();
            b.jvmOptions(opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+")));
        }
        String cds = env.getOrDefault("MEDBASE_CDS", "true").trim().toLowerCase(java.util.Locale.ROOT);
        switch (cds) {
            case "true", "on", "yes", "1" -> b.classDataSharing(data.resolve("cds"));
            case "false", "off", "no", "0" -> b.classDataSharing(null);
            default -> throw new IllegalArgumentException("MEDBASE_CDS must be true or false, was '" + cds + "'");
        }
        if (env.containsKey("MEDBASE_START_TIMEOUT")) {
            long seconds = number(env, "MEDBASE_START_TIMEOUT");
            if (seconds < 1) {
                throw new IllegalArgumentException("MEDBASE_START_TIMEOUT must be a number of seconds, was '"
                        + env.get("MEDBASE_START_TIMEOUT") + "'");
            }
            b.startTimeout(Duration.ofSeconds(seconds));
        }
        b.extraEnvironment(passThrough(env));
        return b.build();
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        if (!env.containsKey(name)) {
            return fallback;
        }
        long port = number(env, name);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a port number (1-65535), was '" + env.get(name) + "'");
        }
        return (int) port;
    }

    private static long number(Map<String, String> env, String name) {
        try {
            return Long.parseLong(env.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + env.get(name) + "'");
        }
    }

    /** The variables of {@code env} passed on to every child: Spring/Medbase settings, not the devstack's own. */
    static Map<String, String> passThrough(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (PASS_THROUGH_PREFIXES.stream().anyMatch(k::startsWith) && !DEVSTACK_VARIABLES.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Set<String> devstackVariables() {
        List<String> names = new ArrayList<>(List.of("MEDBASE_HOME", "MEDBASE_DATA_DIR", "MEDBASE_LOG_DIR",
                "MEDBASE_JVM_OPTS", "MEDBASE_DEVSTACK_JVM_OPTS", "MEDBASE_CDS", "MEDBASE_START_TIMEOUT",
                "MEDBASE_MONGO_PORT", "MEDBASE_KAFKA_PORT", "MEDBASE_SMTP_PORT", "MEDBASE_MAIL_UI_PORT",
                "MEDBASE_ADMIN_EMAIL", "MEDBASE_ADMIN_PASSWORD", "MEDBASE_CLIENT_ID", "MEDBASE_CLIENT_SECRET"));
        for (Service s : Service.values()) {
            names.add(s.portVariable());
            names.add(s.urlVariable());
        }
        return Set.copyOf(names);
    }

    // ---------------------------------------------------------------- derived values

    public int port(Service service) {
        return ports.get(service);
    }

    public int gatewayPort() {
        return port(Service.GATEWAY);
    }

    /** {@code http://127.0.0.1:<port>} of a service (or the gateway). */
    public String url(Service service) {
        return "http://127.0.0.1:" + port(service);
    }

    public String gatewayUrl() {
        return url(Service.GATEWAY);
    }

    public String mailViewerUrl() {
        return "http://127.0.0.1:" + mailViewerPort;
    }

    public String mongoUri(String database) {
        return "mongodb://127.0.0.1:" + mongoPort + "/" + database;
    }

    public String kafkaBootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The executable jar of a service: {@code <repo>/<module>/target/<module>.jar}. */
    public Path jar(Service service) {
        return repoRoot.resolve(service.module()).resolve("target").resolve(service.module() + ".jar");
    }

    /** mongo-java-server's H2 (MVStore) file. */
    public Path mongoFile() {
        return dataDir.resolve("mongo").resolve("medbase.mv.db");
    }

    public Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    public Path logFile(Service service) {
        return logDir.resolve(service.module() + ".log");
    }

    /**
     * The complete environment of a child: a few basics inherited from {@code parentEnv} (PATH, HOME, locale, TZ,
     * JAVA_HOME …, never anything else of the parent's), then {@link #extraEnvironment()}, then the contract:
     * <pre>
     * SERVER_PORT, SPRING_PROFILES_ACTIVE=embedded, SPRING_MONGODB_URI (not for the gateway),
     * SPRING_KAFKA_BOOTSTRAP_SERVERS, SPRING_MAIL_HOST, SPRING_MAIL_PORT,
     * MEDBASE_SERVICES_{AUTH,USERS,DATA,FILES,TASKS,EVENTS,MAIL,GATEWAY},
     * MEDBASE_ADMIN_EMAIL, MEDBASE_ADMIN_PASSWORD, MEDBASE_CLIENT_ID, MEDBASE_CLIENT_SECRET
     * </pre>
     */
    public Map<String, String> childEnvironment(Service service, Map<String, String> parentEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        parentEnv.forEach((k, v) -> {
            if (INHERITED_VARIABLES.contains(k) || k.startsWith("LC_")) {
                env.put(k, v);
            }
        });
        env.putAll(extraEnvironment);
        env.putAll(contract(service));
        return env;
    }

    /** Only the contract variables of {@link #childEnvironment}. */
    public Map<String, String> contract(Service service) {
        Map<String, String> env = new TreeMap<>();
        env.put("SERVER_PORT", String.valueOf(port(service)));
        env.put("SPRING_PROFILES_ACTIVE", "embedded");
        if (!service.isGateway()) {
            env.put("SPRING_MONGODB_URI", mongoUri(service.database()));
        }
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers());
        env.put("SPRING_MAIL_HOST", "127.0.0.1");
        env.put("SPRING_MAIL_PORT", String.valueOf(smtpPort));
        for (Service s : Service.values()) {
            env.put(s.urlVariable(), url(s));
        }
        env.put("MEDBASE_ADMIN_EMAIL", adminEmail);
        env.put("MEDBASE_ADMIN_PASSWORD", adminPassword);
        env.put("MEDBASE_CLIENT_ID", clientId);
        env.put("MEDBASE_CLIENT_SECRET", clientSecret);
        return env;
    }

    public Builder toBuilder() {
        Builder b = new Builder(dataDir, repoRoot);
        b.logDir = logDir;
        b.ports.putAll(ports);
        b.mongoPort = mongoPort;
        b.kafkaPort = kafkaPort;
        b.smtpPort = smtpPort;
        b.mailViewerPort = mailViewerPort;
        b.adminEmail = adminEmail;
        b.adminPassword = adminPassword;
        b.clientId = clientId;
        b.clientSecret = clientSecret;
        b.jvmOptions = jvmOptions;
        b.cdsDir = cdsDir;
        b.startTimeout = startTimeout;
        b.extraEnvironment = extraEnvironment;
        return b;
    }

    /** Mutable builder; unset values get the devstack defaults. */
    public static final class Builder {
        private final Path dataDir;
        private final Path repoRoot;
        private Path logDir;
        private final EnumMap<Service, Integer> ports = new EnumMap<>(Service.class);
        private int mongoPort = 27017;
        private int kafkaPort = 9092;
        private int smtpPort = 2525;
        private int mailViewerPort = 8025;
        private String adminEmail = DEFAULT_ADMIN_EMAIL;
        private String adminPassword = DEFAULT_ADMIN_PASSWORD;
        private String clientId = DEFAULT_CLIENT_ID;
        private String clientSecret = DEFAULT_CLIENT_SECRET;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private Path cdsDir;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Map<String, String> extraEnvironment = Map.of();

        private Builder(Path dataDir, Path repoRoot) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            this.repoRoot = Objects.requireNonNull(repoRoot, "repoRoot");
            for (Service s : Service.values()) {
                ports.put(s, s.defaultPort());
            }
        }

        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        public Builder port(Service service, int port) {
            ports.put(service, port);
            return this;
        }

        public Builder mongoPort(int port) {
            this.mongoPort = port;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder smtpPort(int port) {
            this.smtpPort = port;
            return this;
        }

        public Builder mailViewerPort(int port) {
            this.mailViewerPort = port;
            return this;
        }

        /** Every port (services, gateway, Mongo, Kafka, SMTP, viewer) set to a currently free one. */
        public Builder freePorts() {
            int[] free = freePorts(Service.values().length + 4);
            int i = 0;
            for (Service s : Service.values()) {
                ports.put(s, free[i++]);
            }
            mongoPort = free[i++];
            kafkaPort = free[i++];
            smtpPort = free[i++];
            mailViewerPort = free[i];
            return this;
        }

        public Builder adminEmail(String adminEmail) {
            this.adminEmail = adminEmail;
            return this;
        }

        public Builder adminPassword(String adminPassword) {
            this.adminPassword = adminPassword;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = jvmOptions;
            return this;
        }

        /**
         * Where class-data-sharing archives are kept; {@code null} (the builder's default) runs the children without
         * CDS. With a directory, the first run of a build records the archives when the services stop (which then
         * takes seconds longer), and later runs start about twice as fast: worth it when the directory outlives the
         * run ({@link #fromEnvironment} uses {@code <dataDir>/cds}), not with a fresh temporary directory each time.
         */
        public Builder classDataSharing(Path cdsDir) {
            this.cdsDir = cdsDir;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public Builder extraEnvironment(Map<String, String> extraEnvironment) {
            this.extraEnvironment = extraEnvironment;
            return this;
        }

        public StackConfig build() {
            return new StackConfig(dataDir, logDir, repoRoot, ports, mongoPort, kafkaPort, smtpPort, mailViewerPort,
                    adminEmail, adminPassword, clientId, clientSecret, jvmOptions, cdsDir, startTimeout,
                    extraEnvironment);
        }

        /** Distinct ports free right now (all sockets are held open together, so no two are the same). */
        static int[] freePorts(int count) {
            List<ServerSocket> sockets = new ArrayList<>();
            try {
                int[] ports = new int[count];
                for (int i = 0; i < count; i++) {
                    ServerSocket socket = new ServerSocket(0);
                    socket.setReuseAddress(true);
                    sockets.add(socket);
                    ports[i] = socket.getLocalPort();
                }
                return ports;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                for (ServerSocket socket : sockets) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // nothing to do
                    }
                }
            }
        }
    }
}
