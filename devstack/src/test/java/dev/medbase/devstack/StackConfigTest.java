package dev.medbase.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class StackConfigTest {

    private static final Path REPO = Path.of("/opt/medbase");

    @Test
    void defaults() {
        StackConfig c = StackConfig.fromEnvironment(Map.of(), REPO);

        assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(c.logDir()).isEqualTo(c.dataDir().resolve("logs"));
        assertThat(c.cdsDir()).isEqualTo(c.dataDir().resolve("cds"));
        assertThat(c.repoRoot()).isEqualTo(REPO);
        assertThat(c.gatewayPort()).isEqualTo(8080);
        assertThat(Service.backends()).extracting(c::port).containsExactly(8081, 8082, 8083, 8084, 8085, 8086, 8087);
        assertThat(List.of(c.mongoPort(), c.kafkaPort(), c.smtpPort(), c.mailViewerPort()))
                .containsExactly(27017, 9092, 2525, 8025);
        assertThat(c.adminEmail()).isEqualTo("admin@medbase.local");
        assertThat(c.adminPassword()).isEqualTo("Medbase-admin-1");
        assertThat(c.clientId()).isEqualTo("medbase-devstack");
        assertThat(c.clientSecret()).isEqualTo("medbase-devstack-secret");
        assertThat(c.jvmOptions()).containsExactly("-Xmx128m", "-Xss512k", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8");
        assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.jar(Service.USERS)).isEqualTo(REPO.resolve("user-service/target/user-service.jar"));
        assertThat(c.jar(Service.GATEWAY)).isEqualTo(REPO.resolve("gateway/target/gateway.jar"));
        assertThat(c.logFile(Service.TASKS)).isEqualTo(c.dataDir().resolve("logs/task-service.log"));
        assertThat(c.mongoFile()).isEqualTo(c.dataDir().resolve("mongo/medbase.mv.db"));
        assertThat(c.kafkaDir()).isEqualTo(c.dataDir().resolve("kafka"));
        assertThat(c.gatewayUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(c.mailViewerUrl()).isEqualTo("http://127.0.0.1:8025");
    }

    @Test
    void overrides() {
        Map<String, String> env = new HashMap<>();
        env.put("MEDBASE_HOME", "/srv/medbase");
        env.put("MEDBASE_DATA_DIR", "/var/medbase");
        env.put("MEDBASE_LOG_DIR", "/var/log/medbase");
        env.put("MEDBASE_PORT", "9080");
        env.put("MEDBASE_AUTH_PORT", "9081");
        env.put("MEDBASE_USERS_PORT", "9082");
        env.put("MEDBASE_DATA_PORT", "9083");
        env.put("MEDBASE_FILES_PORT", "9084");
        env.put("MEDBASE_TASKS_PORT", "9085");
        env.put("MEDBASE_EVENTS_PORT", "9086");
        env.put("MEDBASE_MAIL_PORT", "9087");
        env.put("MEDBASE_MONGO_PORT", "37017");
        env.put("MEDBASE_KAFKA_PORT", "19092");
        env.put("MEDBASE_SMTP_PORT", "3525");
        env.put("MEDBASE_MAIL_UI_PORT", "9025");
        env.put("MEDBASE_ADMIN_EMAIL", "boss@example.com");
        env.put("MEDBASE_ADMIN_PASSWORD", "pw");
        env.put("MEDBASE_CLIENT_ID", "cid");
        env.put("MEDBASE_CLIENT_SECRET", "csecret");
        env.put("MEDBASE_JVM_OPTS", "  -Xmx256m   -XX:+UseG1GC ");
        env.put("MEDBASE_CDS", "false");
        env.put("MEDBASE_START_TIMEOUT", "300");

        StackConfig c = StackConfig.fromEnvironment(env, REPO);

        assertThat(c.repoRoot()).isEqualTo(Path.of("/srv/medbase"));
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/medbase"));
        assertThat(c.logDir()).isEqualTo(Path.of("/var/log/medbase"));
        assertThat(c.gatewayPort()).isEqualTo(9080);
        assertThat(Service.backends()).extracting(c::port).containsExactly(9081, 9082, 9083, 9084, 9085, 9086, 9087);
        assertThat(List.of(c.mongoPort(), c.kafkaPort(), c.smtpPort(), c.mailViewerPort()))
                .containsExactly(37017, 19092, 3525, 9025);
        assertThat(List.of(c.adminEmail(), c.adminPassword(), c.clientId(), c.clientSecret()))
                .containsExactly("boss@example.com", "pw", "cid", "csecret");
        assertThat(c.jvmOptions()).containsExactly("-Xmx256m", "-XX:+UseG1GC");
        assertThat(c.cdsDir()).isNull();
        assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(300));
        // The devstack's own settings are not passed on to the services.
        assertThat(c.extraEnvironment()).isEmpty();
    }

    @Test
    void unusableValuesAreReportedByName() {
        assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("MEDBASE_KAFKA_PORT", "ninety"), REPO))
                .hasMessage("MEDBASE_KAFKA_PORT must be a number, was 'ninety'");
        assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("MEDBASE_PORT", "70000"), REPO))
                .hasMessage("MEDBASE_PORT must be a port number (1-65535), was '70000'");
        assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("MEDBASE_AUTH_PORT", "8082"), REPO))
                .hasMessage("Port 8082 is given to both auth-service and user-service");
        assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("MEDBASE_CDS", "maybe"), REPO))
                .hasMessageContaining("MEDBASE_CDS");
        assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("MEDBASE_START_TIMEOUT", "0"), REPO))
                .hasMessageContaining("MEDBASE_START_TIMEOUT");
    }

    @Test
    void theChildEnvironmentIsTheContractPlusBasicsAndSpringSettingsButNoOtherSecrets() {
        Map<String, String> parent = new HashMap<>();
        parent.put("PATH", "/usr/bin");
        parent.put("HOME", "/home/dev");
        parent.put("LC_ALL", "C.UTF-8");
        parent.put("AWS_SECRET_ACCESS_KEY", "do-not-leak");
        parent.put("GITHUB_TOKEN", "do-not-leak");
        parent.put("JAVA_TOOL_OPTIONS", "-javaagent:/x.jar");
        parent.put("MEDBASE_MAIL_PORT", "9087");          // a devstack setting, would bind to medbase.mail.port
        parent.put("MEDBASE_DATA_DIR", "/var/medbase");
        parent.put("SPRING_PROFILES_ACTIVE", "prod");     // the contract wins
        parent.put("LOGGING_LEVEL_DEV_MEDBASE", "DEBUG"); // passed on
        parent.put("MEDBASE_USERS_PASSWORD_MIN_LENGTH", "12");
        StackConfig c = StackConfig.fromEnvironment(parent, REPO);

        Map<String, String> auth = c.childEnvironment(Service.AUTH, parent);

        assertThat(auth).containsEntry("PATH", "/usr/bin").containsEntry("HOME", "/home/dev")
                .containsEntry("LC_ALL", "C.UTF-8")
                .containsEntry("LOGGING_LEVEL_DEV_MEDBASE", "DEBUG")
                .containsEntry("MEDBASE_USERS_PASSWORD_MIN_LENGTH", "12")
                .doesNotContainKeys("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "JAVA_TOOL_OPTIONS", "MEDBASE_MAIL_PORT",
                        "MEDBASE_DATA_DIR");
        assertThat(auth).containsAllEntriesOf(Map.ofEntries(
                Map.entry("SERVER_PORT", "8081"),
                Map.entry("SPRING_PROFILES_ACTIVE", "embedded"),
                Map.entry("SPRING_MONGODB_URI", "mongodb://127.0.0.1:27017/medbase-auth"),
                Map.entry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                Map.entry("SPRING_MAIL_HOST", "127.0.0.1"),
                Map.entry("SPRING_MAIL_PORT", "2525"),
                Map.entry("MEDBASE_SERVICES_AUTH", "http://127.0.0.1:8081"),
                Map.entry("MEDBASE_SERVICES_USERS", "http://127.0.0.1:8082"),
                Map.entry("MEDBASE_SERVICES_DATA", "http://127.0.0.1:8083"),
                Map.entry("MEDBASE_SERVICES_FILES", "http://127.0.0.1:8084"),
                Map.entry("MEDBASE_SERVICES_TASKS", "http://127.0.0.1:8085"),
                Map.entry("MEDBASE_SERVICES_EVENTS", "http://127.0.0.1:8086"),
                Map.entry("MEDBASE_SERVICES_MAIL", "http://127.0.0.1:9087"), // its port setting is used, not passed on
                Map.entry("MEDBASE_SERVICES_GATEWAY", "http://127.0.0.1:8080"),
                Map.entry("MEDBASE_ADMIN_EMAIL", "admin@medbase.local"),
                Map.entry("MEDBASE_ADMIN_PASSWORD", "Medbase-admin-1"),
                Map.entry("MEDBASE_CLIENT_ID", "medbase-devstack"),
                Map.entry("MEDBASE_CLIENT_SECRET", "medbase-devstack-secret")));

        assertThat(Service.backends()).extracting(s -> c.contract(s).get("SPRING_MONGODB_URI")).containsExactly(
                "mongodb://127.0.0.1:27017/medbase-auth", "mongodb://127.0.0.1:27017/medbase-users",
                "mongodb://127.0.0.1:27017/medbase-data", "mongodb://127.0.0.1:27017/medbase-files",
                "mongodb://127.0.0.1:27017/medbase-tasks", "mongodb://127.0.0.1:27017/medbase-events",
                "mongodb://127.0.0.1:27017/medbase-mail");
        assertThat(c.contract(Service.GATEWAY)).doesNotContainKey("SPRING_MONGODB_URI")
                .containsEntry("SERVER_PORT", "8080");
    }

    @Test
    void freePortsAreDistinct() {
        StackConfig c = StackConfig.builder(Path.of("/tmp/x"), REPO).freePorts().build();
        Set<Integer> ports = new HashSet<>(c.ports().values());
        ports.addAll(List.of(c.mongoPort(), c.kafkaPort(), c.smtpPort(), c.mailViewerPort()));
        assertThat(ports).hasSize(Service.values().length + 4);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.cdsDir()).isNull();
        assertThat(Arrays.stream(Service.values()).map(Service::portVariable)).doesNotHaveDuplicates()
                .contains("MEDBASE_PORT", "MEDBASE_USERS_PORT", "MEDBASE_MAIL_PORT");
    }
}
