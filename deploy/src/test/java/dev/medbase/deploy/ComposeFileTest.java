package dev.medbase.deploy;

import static dev.medbase.deploy.ModuleConfig.map;
import static dev.medbase.deploy.ModuleConfig.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml checked statically against the modules (CI has no Docker): every runnable module has a service
 * built from it, on its port, with health checks on its health path, environment variables the module reads,
 * service URLs that point at the right service, and the dependencies and topics the stack needs.
 */
class ComposeFileTest {

    static final Path COMPOSE = ModuleConfig.ROOT.resolve("docker-compose.yml");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:?[-?])?([^}]*)}");

    static Map<String, Object> services;
    static Map<String, ModuleConfig> modules;

    @BeforeAll
    static void load() {
        services = map(ModuleConfig.yaml(COMPOSE).get("services"));
        modules = new LinkedHashMap<>();
        ModuleConfig.runnableModules().forEach(m -> modules.put(m, ModuleConfig.load(m)));
    }

    @Test
    void everyRunnableModuleIsAServiceBuiltFromIt() {
        assertThat(modules.keySet()).contains("gateway", "auth-service", "user-service", "mail-service");
        SoftAssertions soft = new SoftAssertions();
        modules.keySet().forEach(m -> {
            Map<String, Object> service = map(services.get(m));
            soft.assertThat(service).as("compose service %s", m).isNotEmpty();
            soft.assertThat(map(map(service.get("build")).get("args")).get("MODULE")).as("%s build arg", m).isEqualTo(m);
        });
        soft.assertAll();
    }

    @Test
    void portsAndHealthChecksMatchTheModules() {
        SoftAssertions soft = new SoftAssertions();
        modules.forEach((m, config) -> {
            Map<String, Object> service = map(services.get(m));
            Map<String, Object> env = map(service.get("environment"));
            soft.assertThat(String.valueOf(env.get("SERVER_PORT"))).as("%s SERVER_PORT", m)
                    .isEqualTo(String.valueOf(config.serverPort()));
            String check = String.join(" ", strings(map(service.get("healthcheck")).get("test")));
            soft.assertThat(check).as("%s health check", m)
                    .contains("/127.0.0.1/" + config.serverPort() + " ")
                    .contains("GET " + config.healthPath() + " ");
        });
        // The gateway is the one published port: http://localhost:${MEDBASE_PORT}
        List<String> ports = List.copyOf(strings(map(services.get("gateway")).get("ports")));
        soft.assertThat(ports).containsExactly("${MEDBASE_PORT:-8080}:" + modules.get("gateway").serverPort());
        soft.assertAll();
    }

    @Test
    void environmentVariablesAreOnesTheModuleReads() {
        SoftAssertions soft = new SoftAssertions();
        modules.forEach((m, config) -> map(map(services.get(m)).get("environment")).keySet().forEach(variable ->
                soft.assertThat(config.accepts(variable))
                        .as("%s sets %s, but %s declares no such property or placeholder", m, variable, m)
                        .isTrue()));
        soft.assertAll();
    }

    @Test
    void infrastructureAddressesMatchTheInfrastructureServices() {
        Map<String, Object> kafkaEnv = map(map(services.get("kafka")).get("environment"));
        String advertised = String.valueOf(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).replace("PLAINTEXT://", "");
        List<String> mongoCommand = List.copyOf(strings(map(services.get("mongo")).get("command")));
        String replicaSet = mongoCommand.get(mongoCommand.indexOf("--replSet") + 1);
        SoftAssertions soft = new SoftAssertions();
        modules.forEach((m, config) -> {
            Map<String, Object> env = map(map(services.get(m)).get("environment"));
            if (config.database() != null) {
                URI mongo = URI.create(String.valueOf(env.get("SPRING_MONGODB_URI")));
                soft.assertThat(mongo.getHost()).as("%s MongoDB host", m).isEqualTo("mongo");
                soft.assertThat(mongo.getPath()).as("%s database (as in the devstack)", m)
                        .isEqualTo("/" + config.database());
                soft.assertThat(mongo.getQuery()).as("%s replica set", m).isEqualTo("replicaSet=" + replicaSet);
                soft.assertThat(env.get("SPRING_KAFKA_BOOTSTRAP_SERVERS")).as("%s Kafka", m).isEqualTo(advertised);
            }
            if (config.value("spring.mail.host") != null) {
                soft.assertThat(env.get("SPRING_MAIL_HOST")).as("%s SMTP host", m).isEqualTo("mailpit");
                soft.assertThat(String.valueOf(env.get("SPRING_MAIL_PORT"))).as("%s SMTP port (Mailpit's)", m)
                        .isEqualTo("1025");
            }
        });
        soft.assertAll();
    }

    /** {@code MEDBASE_SERVICES_<NAME>} must reach the service the module means by {@code medbase.services.<name>}. */
    @Test
    void serviceUrlsPointAtTheRightService() {
        Map<String, String> byShortName = shortNames();
        SoftAssertions soft = new SoftAssertions();
        modules.forEach((m, config) -> map(map(services.get(m)).get("environment")).forEach((variable, value) -> {
            if (!variable.startsWith("MEDBASE_SERVICES_") && !variable.equals("MEDBASE_TASKS_API_HOST")) {
                return;
            }
            String target = variable.equals("MEDBASE_TASKS_API_HOST") ? "gateway"
                    : byShortName.get(variable.substring("MEDBASE_SERVICES_".length()).toLowerCase());
            soft.assertThat(target).as("%s: %s names no module", m, variable).isNotNull();
            if (target != null) {
                soft.assertThat(String.valueOf(value)).as("%s %s", m, variable)
                        .isEqualTo("http://" + target + ":" + modules.get(target).serverPort());
            }
        }));
        // The gateway's routes send each service's prefix to the URL of that name.
        Object routes = ModuleConfig.load("gateway").application().get("spring.cloud.gateway.server.webflux.routes");
        assertThat(routes).isInstanceOf(List.class);
        for (Object route : (List<?>) routes) {
            String uri = String.valueOf(map(route).get("uri"));
            String module = byShortName.get(uri.replace("${medbase.services.", "").replace("}", ""));
            soft.assertThat(module).as("route %s", uri).isNotNull();
            if (module != null) {
                soft.assertThat(String.join(",", strings(map(route).get("predicates")))).as("route %s", uri)
                        .contains(modules.get(module).prefix() + "/**");
            }
        }
        // The gateway routes to every service.
        Map<String, Object> gatewayEnv = map(map(services.get("gateway")).get("environment"));
        byShortName.keySet().forEach(name -> soft.assertThat(gatewayEnv)
                .as("gateway routes to %s", name).containsKey("MEDBASE_SERVICES_" + name.toUpperCase()));
        soft.assertAll();
    }

    @Test
    void dependenciesWaitForHealthyServices() {
        Set<String> conditions = Set.of("service_started", "service_healthy", "service_completed_successfully");
        SoftAssertions soft = new SoftAssertions();
        services.forEach((name, s) -> map(map(s).get("depends_on")).forEach((dependency, spec) -> {
            Object condition = map(spec).get("condition");
            soft.assertThat(services).as("%s depends on %s", name, dependency).containsKey(dependency);
            soft.assertThat(conditions).as("%s → %s condition", name, dependency).contains(String.valueOf(condition));
            if ("service_healthy".equals(condition)) {
                soft.assertThat(map(map(services.get(dependency)).get("healthcheck")))
                        .as("%s waits for %s to be healthy, which has no health check", name, dependency).isNotEmpty();
            }
        }));
        modules.forEach((m, config) -> {
            Map<String, Object> dependsOn = map(map(services.get(m)).get("depends_on"));
            if (m.equals("gateway")) {
                modules.keySet().stream().filter(o -> !o.equals("gateway")).forEach(o ->
                        soft.assertThat(map(dependsOn.get(o)).get("condition")).as("gateway → %s", o)
                                .isEqualTo("service_healthy"));
            } else {
                soft.assertThat(map(dependsOn.get("mongo")).get("condition")).as("%s → mongo", m)
                        .isEqualTo("service_healthy");
                soft.assertThat(map(dependsOn.get("kafka-topics")).get("condition")).as("%s → kafka-topics", m)
                        .isEqualTo("service_completed_successfully");
            }
            soft.assertThat(map(map(services.get(m)).get("healthcheck"))).as("%s health check", m).isNotEmpty();
        });
        soft.assertThat(String.join(" ", strings(map(map(services.get("mongo")).get("healthcheck")).get("test"))))
                .as("the replica set is initiated by the health check, idempotently")
                .contains("rs.status()").contains("rs.initiate(").contains("isWritablePrimary");
        soft.assertAll();
    }

    /** Every topic a service publishes to (medbase.&lt;source&gt;, plus custom events) and its dead-letter topic. */
    @Test
    void kafkaTopicsAreCreatedWithThePlatformsPartitionCount() {
        String script = String.join("\n", strings(map(services.get("kafka-topics")).get("command")));
        Set<String> topics = new TreeSet<>();
        topics.add("medbase.custom");
        modules.values().forEach(c -> {
            if (c.value("medbase.events.source") != null) {
                topics.add("medbase." + c.value("medbase.events.source"));
            }
        });
        assertThat(topics).hasSizeGreaterThanOrEqualTo(8);
        String partitions = ModuleConfig.load("platform").metadata().get("medbase.events.topic.partitions")
                .path("defaultValue").asString();
        assertThat(script).contains("kafka-topics.sh").contains("--if-not-exists").contains("$$topic.DLT")
                .contains("--partitions " + partitions);
        Matcher list = Pattern.compile("for topic in ([^;]+);").matcher(script);
        assertThat(list.find()).isTrue();
        assertThat(new TreeSet<>(List.of(list.group(1).trim().split("\\s+")))).isEqualTo(topics);
    }

    @Test
    void imagesArePinnedAndVolumesNamed() {
        SoftAssertions soft = new SoftAssertions();
        services.forEach((name, s) -> {
            String image = String.valueOf(map(s).get("image"));
            soft.assertThat(image).as("%s image", name).matches("[a-z0-9./-]+:[^:]+").doesNotEndWith(":latest");
            if (map(s).containsKey("build")) {
                soft.assertThat(image).as("%s image (tagged with the project's version)", name)
                        .isEqualTo("medbase/" + name + ":" + projectVersion());
            } else {
                soft.assertThat(image.substring(image.lastIndexOf(':') + 1)).as("%s version tag", name)
                        .matches("v?\\d+\\.\\d+\\.\\d+");
            }
        });
        Set<String> declared = map(ModuleConfig.yaml(COMPOSE).get("volumes")).keySet();
        services.forEach((name, s) -> strings(map(s).get("volumes")).forEach(v ->
                soft.assertThat(declared).as("%s volume %s", name, v).contains(v.substring(0, v.indexOf(':')))));
        soft.assertThat(declared).contains("mongo-data", "kafka-data");
        soft.assertAll();
    }

    /** The Testcontainers suites run the images compose runs. */
    @Test
    void testcontainersSuitesUseTheComposeImages() {
        String realInfra = ModuleConfig.read(ModuleConfig.ROOT.resolve(
                "platform/src/test/java/dev/medbase/platform/testing/RealInfra.java"));
        assertThat(realInfra).contains("MONGO_IMAGE = \"" + map(services.get("mongo")).get("image") + "\"")
                .contains("KAFKA_IMAGE = \"" + map(services.get("kafka")).get("image") + "\"");
    }

    /** Variables compose requires (${X:?…}) are in .env, so a plain `docker compose up` works. */
    @Test
    void requiredVariablesAreInDotEnv() throws Exception {
        Properties dotEnv = new Properties();
        try (var r = Files.newBufferedReader(ModuleConfig.ROOT.resolve(".env"))) {
            dotEnv.load(r);
        }
        List<String> missing = new ArrayList<>();
        variables().forEach((name, operator) -> {
            if (operator.endsWith("?") && !dotEnv.containsKey(name)) {
                missing.add(name);
            }
        });
        assertThat(missing).isEmpty();
        assertThat(dotEnv.getProperty("MEDBASE_CLIENT_ID")).isNotBlank();
        assertThat(dotEnv.getProperty("MEDBASE_ADMIN_PASSWORD")).isNotBlank();
    }

    static String projectVersion() {
        Matcher version = Pattern.compile("</parent>\\s*<groupId>[^<]+</groupId>\\s*<artifactId>[^<]+</artifactId>"
                + "\\s*<version>([^<]+)</version>").matcher(ModuleConfig.read(ModuleConfig.ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }

    /** Every ${VARIABLE} the compose file interpolates, with its operator ("-", ":-", "?", ":?" or ""). */
    static Map<String, String> variables() {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = VARIABLE.matcher(ModuleConfig.read(COMPOSE));
        while (m.find()) {
            out.putIfAbsent(m.group(1), m.group(2) == null ? "" : m.group(2));
        }
        return out;
    }

    /** auth → auth-service, users → user-service, … from the gateway's routes (medbase.services.* → path prefix). */
    static Map<String, String> shortNames() {
        ModuleConfig gateway = ModuleConfig.load("gateway");
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : gateway.application().keySet()) {
            if (!key.startsWith("medbase.services.")) {
                continue;
            }
            String name = key.substring("medbase.services.".length());
            String port = String.valueOf(URI.create(gateway.value(key)).getPort());
            ModuleConfig.runnableModules().stream().map(ModuleConfig::load)
                    .filter(c -> String.valueOf(c.serverPort()).equals(port))
                    .findFirst().ifPresent(c -> out.put(name, c.module()));
        }
        return out;
    }
}
