package dev.medbase.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./medbase start}: reads the {@code MEDBASE_*} settings ({@link StackConfig#fromEnvironment}), starts the
 * {@link Stack}, prints where everything is, and runs until SIGINT/SIGTERM, when it stops everything.
 * <p>
 * Exit codes: 0 after a normal stop, 1 when start-up failed, 2 for an unusable setting, 3 when a devstack already
 * runs on the same data directory. If this process is killed with SIGKILL, its shutdown hook cannot run: the
 * {@link Watchdog} then stops the services, but the pid file stays behind (the next start recognises it as stale).
 */
public final class Devstack {

    /** Not {@code logback.xml}: this jar is also a test library, and Spring Boot would pick that name up. */
    static final String LOGBACK_CONFIG = "medbase-devstack-logback.xml";

    private Devstack() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        if (args.length > 0) {
            System.err.println("usage: java -jar devstack-exec.jar   (settings come from MEDBASE_* environment "
                    + "variables; see ./medbase help)");
            System.exit(args[0].equals("--help") || args[0].equals("-h") ? 0 : 2);
        }
        Map<String, String> env = System.getenv();
        StackConfig config;
        try {
            config = StackConfig.fromEnvironment(env, defaultRepoRoot());
        } catch (IllegalArgumentException e) {
            System.err.println("medbase: " + e.getMessage());
            System.exit(2);
            return;
        }
        PidFile pidFile;
        try {
            pidFile = PidFile.acquire(config.dataDir());
        } catch (IllegalStateException e) {
            System.err.println("medbase: " + e.getMessage());
            System.exit(3);
            return;
        }
        Stack stack = new Stack(config);
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            if (stack.isRunning()) {
                System.out.println("\nStopping Medbase…");
            }
            try {
                stack.close();
            } finally {
                pidFile.release();
                stopped.countDown();
            }
        }, "medbase-shutdown"));

        System.out.println("Starting Medbase (data in " + config.dataDir() + ", logs in " + config.logDir() + ")…");
        try {
            stack.start();
        } catch (StackStartException e) {
            if (stopping.get()) {
                stopped.await();
                return;
            }
            System.err.println();
            System.err.println(e.getMessage());
            System.exit(1); // runs the shutdown hook, which stops what had started
        }
        String banner = banner(config, stack);
        System.out.print(banner);
        System.out.println("Press Ctrl-C to stop (or run ./medbase stop).");
        System.out.flush();
        pidFile.markReady(banner);
        stopped.await(); // until a signal runs the shutdown hook
    }

    static String banner(StackConfig c, Stack stack) {
        String gateway = "http://localhost:" + c.gatewayPort();
        String token = "curl -s " + gateway + "/auth/v2/oauth2/tokens -H 'Content-Type: application/json' \\\n"
                + "        -d '{\"grant_type\":\"password\",\"client_id\":\"" + c.clientId() + "\",\"client_secret\":\""
                + c.clientSecret() + "\",\"username\":\"" + c.adminEmail() + "\",\"password\":\"" + c.adminPassword()
                + "\"}'";
        return "\n"
                + "  Medbase is running (started in " + Stack.seconds(stack.startupTime().toNanos()) + ")\n"
                + "\n"
                + "  API (gateway)   " + gateway + "\n"
                + "  Admin user      " + c.adminEmail() + " / " + c.adminPassword() + "   (created on first start)\n"
                + "  OAuth2 client   client_id " + c.clientId() + "   client_secret " + c.clientSecret() + "\n"
                + "  Mail viewer     http://localhost:" + c.mailViewerPort() + "   (SMTP on localhost:" + c.smtpPort()
                + ")\n"
                + "  MongoDB         mongodb://localhost:" + c.mongoPort() + "   Kafka localhost:" + c.kafkaPort() + "\n"
                + "  Data            " + c.dataDir() + "\n"
                + "  Logs            " + c.logDir() + "\n"
                + "\n"
                + "  Get a token:    " + token + "\n"
                + "\n";
    }

    /** {@code MEDBASE_HOME} is read by {@link StackConfig}; else the repo this jar was built in, else the cwd. */
    static Path defaultRepoRoot() {
        Path classPath = Path.of(System.getProperty("java.class.path", "")).toAbsolutePath().normalize();
        // <repo>/devstack/target/devstack-exec.jar
        if (classPath.getFileName() != null && classPath.getFileName().toString().endsWith(".jar")
                && classPath.getParent() != null && classPath.getParent().getParent() != null
                && classPath.getParent().getParent().getParent() != null
                && Files.isRegularFile(classPath.getParent().getParent().getParent().resolve("pom.xml"))) {
            return classPath.getParent().getParent().getParent();
        }
        return Path.of("").toAbsolutePath();
    }
}
