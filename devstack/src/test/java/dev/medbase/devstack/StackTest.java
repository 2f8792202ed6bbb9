package dev.medbase.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.medbase.devstack.fake.FakeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack with real infrastructure and fake service jars ({@link FakeService}): start-up, the environment
 * contract, health through the gateway, failure reports and, above all, no process left behind.
 */
class StackTest {

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void noOrphans() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(FakeRepo.liveDescendants()).isEmpty());
    }

    private StackConfig.Builder config(Path repo) {
        return StackConfig.builder(tmp.resolve("data"), repo).freePorts()
                .adminEmail("root@example.test").clientSecret("s3cret")
                .startTimeout(Duration.ofSeconds(60));
    }

    @Test
    void startsEverythingHealthyThroughTheGatewayAndStopsWithoutOrphansTwice() throws Exception {
        Path repo = FakeRepo.create(tmp.resolve("repo"), Map.of());
        StackConfig config = config(repo).classDataSharing(tmp.resolve("cds")).build();

        try (Stack stack = new Stack(config).start()) {
            assertThat(stack.isRunning()).isTrue();
            assertThat(stack.startupTime()).isPositive();
            for (Service s : Service.backends()) {
                assertThat(get(stack.gatewayUrl() + s.healthPath()).statusCode()).isEqualTo(200);
            }
            Map<String, String> auth = env(stack.serviceUrl(Service.AUTH));
            assertThat(auth).containsAllEntriesOf(config.contract(Service.AUTH))
                    .containsEntry("SERVER_PORT", String.valueOf(config.port(Service.AUTH)))
                    .containsEntry("SPRING_MONGODB_URI", "mongodb://127.0.0.1:" + config.mongoPort() + "/medbase-auth")
                    .containsEntry("MEDBASE_ADMIN_EMAIL", "root@example.test")
                    .containsEntry("MEDBASE_SERVICES_GATEWAY", stack.gatewayUrl());
            assertThat(env(stack.gatewayUrl())).doesNotContainKey("SPRING_MONGODB_URI")
                    .containsEntry("SERVER_PORT", String.valueOf(config.gatewayPort()));
            assertThat(config.logFile(Service.USERS)).content().contains("listening on " + config.port(Service.USERS));
            assertThat(get(stack.mailViewerUrl() + "/api/messages").body()).isEqualTo("[]");
            assertThat(stack.mongo().uri("x")).isEqualTo(config.mongoUri("x"));
            // First run: each service records a class-data archive, written when it exits.
            assertThat(arguments(stack, Service.DATA)).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
        }
        assertThat(FakeRepo.liveDescendants()).isEmpty();
        assertThat(config.cdsDir().resolve("data-service.jsa")).isRegularFile();
        assertThat(config.cdsDir().resolve("data-service.jsa.training")).doesNotExist();

        // Same data directory and ports again: the archives are used, and everything is as before.
        try (Stack stack = new Stack(config).start()) {
            assertThat(arguments(stack, Service.DATA))
                    .contains("-XX:SharedArchiveFile=" + config.cdsDir().resolve("data-service.jsa"));
            assertThat(config.logFile(Service.DATA)).content().doesNotContain("Unable to use shared archive");
            assertThat(get(stack.gatewayUrl() + "/data/v1/health").statusCode()).isEqualTo(200);
        }
        assertThat(config.logDir().resolve("data-service.log.1")).isRegularFile();
    }

    @Test
    void aServiceThatDiesIsNamedWithTheEndOfItsLogAndNothingIsLeftRunning() throws Exception {
        Path repo = FakeRepo.create(tmp.resolve("repo"), Map.of(Service.USERS, FakeService.Crash.class));
        StackConfig config = config(repo).build();

        assertThatThrownBy(() -> new Stack(config).start())
                .isInstanceOfSatisfying(StackStartException.class,
                        e -> assertThat(e.failed()).containsExactly(Service.USERS))
                .hasMessageContaining("user-service exited with code 3 while starting")
                .hasMessageContaining(config.logFile(Service.USERS).toString())
                .hasMessageContaining("APPLICATION FAILED TO START: boom, no database");
        // The infrastructure is stopped too: its ports are free again.
        for (int port : List.of(config.mongoPort(), config.kafkaPort(), config.smtpPort(), config.mailViewerPort())) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            }
        }
    }

    @Test
    void aServiceThatIsNotHealthyInTimeIsNamedWithItsLastAnswer() throws Exception {
        Path repo = FakeRepo.create(tmp.resolve("repo"), Map.of(Service.FILES, FakeService.Unhealthy.class));
        StackConfig config = config(repo).startTimeout(Duration.ofSeconds(10)).build();

        // On a loaded machine a healthy fake may be slow too; the unhealthy one must always be named.
        assertThatThrownBy(() -> new Stack(config).start())
                .isInstanceOfSatisfying(StackStartException.class,
                        e -> assertThat(e.failed()).contains(Service.FILES))
                .hasMessageContaining("not healthy within 10 s: ")
                .hasMessageContaining("file-service")
                .hasMessageContaining("GET " + config.url(Service.FILES) + "/files/v1/health: HTTP 503")
                .hasMessageContaining("health is DOWN: still waiting for something");
    }

    @Test
    void missingJarsAreListedBeforeAnythingStarts() throws Exception {
        Path repo = FakeRepo.create(tmp.resolve("repo"), Map.of());
        Files.delete(repo.resolve("gateway/target/gateway.jar"));
        Files.delete(repo.resolve("mail-service/target/mail-service.jar"));

        assertThatThrownBy(() -> new Stack(config(repo).build()).start())
                .isInstanceOf(StackStartException.class)
                .hasMessageContaining("missing mail-service/target/mail-service.jar, gateway/target/gateway.jar")
                .hasMessageContaining("./mvnw -B -DskipTests package");
        assertThat(tmp.resolve("data/mongo")).doesNotExist();
    }

    @Test
    void aTakenPortIsNamedWithItsSetting() throws Exception {
        Path repo = FakeRepo.create(tmp.resolve("repo"), Map.of());
        StackConfig config = config(repo).build();
        try (ServerSocket taken = new ServerSocket(config.gatewayPort())) {
            assertThatThrownBy(() -> new Stack(config).start())
                    .isInstanceOf(StackStartException.class)
                    .hasMessageContaining("port " + config.gatewayPort() + " for gateway (MEDBASE_PORT) is already in use");
        }
    }

    @Test
    void closeWhileStartingStopsEverything() throws Exception {
        Path repo = FakeRepo.create(tmp.resolve("repo"), Map.of(Service.EVENTS, FakeService.Unhealthy.class));
        Stack stack = new Stack(config(repo).build());
        Thread closer = new Thread(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.process(Service.GATEWAY).isPresent());
            stack.close();
        });
        closer.start();

        assertThatThrownBy(stack::start).isInstanceOf(StackStartException.class)
                .hasMessageContaining("stopped while it was starting");
        closer.join();
        assertThat(stack.isRunning()).isFalse();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> env(String baseUrl) throws IOException, InterruptedException {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String line : get(baseUrl + "/env").body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static List<String> arguments(Stack stack, Service service) {
        return List.of(stack.process(service).orElseThrow().handle().info().arguments().orElseThrow());
    }
}
