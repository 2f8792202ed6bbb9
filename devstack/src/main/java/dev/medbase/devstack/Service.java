package dev.medbase.devstack;

import java.util.List;

/** The programs the devstack runs as child JVMs: seven services and the gateway in front of them. */
public enum Service {

    AUTH("auth-service", "auth", "/auth/v2", 8081),
    USERS("user-service", "users", "/users/v1", 8082),
    DATA("data-service", "data", "/data/v1", 8083),
    FILES("file-service", "files", "/files/v1", 8084),
    TASKS("task-service", "tasks", "/tasks/v1", 8085),
    EVENTS("event-service", "events", "/events/v1", 8086),
    MAIL("mail-service", "mail", "/mail/v1", 8087),
    GATEWAY("gateway", "gateway", null, 8080);

    private static final List<Service> BACKENDS = List.of(AUTH, USERS, DATA, FILES, TASKS, EVENTS, MAIL);

    private final String module;
    private final String shortName;
    private final String prefix;
    private final int defaultPort;

    Service(String module, String shortName, String prefix, int defaultPort) {
        this.module = module;
        this.shortName = shortName;
        this.prefix = prefix;
        this.defaultPort = defaultPort;
    }

    /** The seven services behind the gateway, in start-up listing order. */
    public static List<Service> backends() {
        return BACKENDS;
    }

    public boolean isGateway() {
        return this == GATEWAY;
    }

    /** Maven module (and jar) name: {@code <repo>/<module>/target/<module>.jar}. */
    public String module() {
        return module;
    }

    /** auth, users, data, files, tasks, events, mail (gateway for the gateway). */
    public String shortName() {
        return shortName;
    }

    /** The service's MongoDB database, {@code medbase-<short>}; the gateway has none. */
    public String database() {
        return isGateway() ? null : "medbase-" + shortName;
    }

    /** Path prefix the gateway routes to this service, e.g. {@code /auth/v2}; null for the gateway. */
    public String prefix() {
        return prefix;
    }

    /** {@code <prefix>/health}, answered by the service directly and through the gateway. */
    public String healthPath() {
        return isGateway() ? null : prefix + "/health";
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The variable that gives every child this service's base URL, e.g. {@code MEDBASE_SERVICES_AUTH}. */
    public String urlVariable() {
        return "MEDBASE_SERVICES_" + shortName.toUpperCase(java.util.Locale.ROOT);
    }

    /** The devstack setting for this service's port: {@code MEDBASE_PORT} for the gateway, else e.g. {@code MEDBASE_AUTH_PORT}. */
    public String portVariable() {
        return isGateway() ? "MEDBASE_PORT" : "MEDBASE_" + shortName.toUpperCase(java.util.Locale.ROOT) + "_PORT";
    }
}
