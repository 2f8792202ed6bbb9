package dev.medbase.tasks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code medbase.tasks.*}.
 *
 * @param workerEnabled     run the queue worker and the scheduler in this process
 * @param pollInterval      how often schedules are checked, and due tasks read again while some are due
 * @param idlePollInterval  how often a worker with nothing to do reads due tasks it was not told of (queued through
 *                          another replica, leases that ran out): tasks queued through this replica wake it when
 *                          they fall due
 * @param concurrency       tasks this replica runs at once (ExH default 5)
 * @param functionConcurrency tasks of one function running at once across all replicas
 * @param directConcurrency direct executions of one function running at once in this replica (more → 1403)
 * @param leaseMargin       a claimed task's lease is its function's timeLimit plus this; a task whose lease ran out
 *                          (its worker died) is claimed again
 * @param maxDataSize       largest task {@code data} (250 KB)
 * @param maxLogBytes       stdout + stderr kept per execution; the rest is dropped with a note
 * @param cacheDir          where function code is unpacked, once per function version
 * @param nodeCommand       node interpreter for {@code nodejs*} runtimes
 * @param pythonCommand     python interpreter for {@code python*} runtimes
 * @param apiHost           given to functions as {@code API_HOST} (for the ExH SDK calling back into Medbase); unset = none
 * @param functionEnvironment extra variables every function gets (e.g. SDK credentials), below its own variables
 * @param httpSigningSecret HMAC-SHA256 key of the HTTP executor's {@code X-Medbase-Signature}
 */
@ConfigurationProperties("medbase.tasks")
public record TasksProperties(
        @DefaultValue("true") boolean workerEnabled,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("5s") Duration idlePollInterval,
        @DefaultValue("5") int concurrency,
        @DefaultValue("5") int functionConcurrency,
        @DefaultValue("5") int directConcurrency,
        @DefaultValue("30s") Duration leaseMargin,
        @DefaultValue("250KB") DataSize maxDataSize,
        @DefaultValue("1MB") DataSize maxLogBytes,
        Path cacheDir,
        @DefaultValue("node") String nodeCommand,
        @DefaultValue("python3") String pythonCommand,
        String apiHost,
        Map<String, String> functionEnvironment,
        String httpSigningSecret) {

    public TasksProperties {
        cacheDir = cacheDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "medbase-functions") : cacheDir;
        functionEnvironment = functionEnvironment == null ? Map.of() : Map.copyOf(functionEnvironment);
    }
}
