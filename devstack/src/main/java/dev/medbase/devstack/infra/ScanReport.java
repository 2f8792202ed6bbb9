package dev.medbase.devstack.infra;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Which queries the embedded MongoDB-wire server answers by scanning a whole collection (no unique index serves
 * them: it walks one only for a query on exactly its keys). Off by default; {@code -Dmedbase.devstack.scan-report=10s}
 * logs, at that interval, the query shapes (field names and operators, no values) that scanned since the last report,
 * with how often, how many documents and how much time, the costliest first.
 */
final class ScanReport {

    private static final Logger log = LoggerFactory.getLogger(ScanReport.class);

    private record Totals(LongAdder scans, LongAdder documents, LongAdder nanos) {
    }

    private final Map<String, Totals> byShape = new ConcurrentHashMap<>();

    static ScanReport fromSystemProperty() {
        String interval = System.getProperty("medbase.devstack.scan-report");
        if (interval == null || interval.isBlank()) {
            return null;
        }
        Duration every = Duration.parse("PT" + interval.trim().toUpperCase());
        ScanReport report = new ScanReport();
        Thread reporter = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(every.toMillis());
                    String summary = report.summaryAndReset();
                    if (summary != null) {
                        log.info(summary);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scan-report");
        reporter.setDaemon(true);
        reporter.start();
        return report;
    }

    void record(String collection, Document query, Document orderBy, int documents, long nanos) {
        String key = collection + " " + shape(query)
                + (orderBy == null || orderBy.isEmpty() ? "" : " sort " + orderBy.keySet());
        Totals totals = byShape.computeIfAbsent(key,
                k -> new Totals(new LongAdder(), new LongAdder(), new LongAdder()));
        totals.scans().increment();
        totals.documents().add(documents);
        totals.nanos().add(nanos);
    }

    /** Field names and operators of a query, values left out: {@code {status, leaseUntil: {$lt}}}. */
    static String shape(Object query) {
        if (query instanceof Document document) {
            return document.entrySet().stream()
                    .map(e -> e.getValue() instanceof Document || e.getValue() instanceof List
                            ? e.getKey() + ": " + shape(e.getValue()) : e.getKey())
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (query instanceof List<?> list) {
            return list.stream().map(ScanReport::shape).distinct().collect(Collectors.joining(", ", "[", "]"));
        }
        return "?";
    }

    /** What scanned since the last call, the costliest first; null when nothing did. */
    String summaryAndReset() {
        if (byShape.isEmpty()) {
            return null;
        }
        Map<String, Totals> taken = Map.copyOf(byShape);
        taken.keySet().forEach(byShape::remove);
        StringBuilder out = new StringBuilder("Scans since the last report (query shape: scans, documents, ms):");
        taken.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().nanos().sum(), a.getValue().nanos().sum()))
                .forEach(e -> out.append(String.format("%n  %s: %d, %d, %d", e.getKey(), e.getValue().scans().sum(),
                        e.getValue().documents().sum(), e.getValue().nanos().sum() / 1_000_000)));
        return out.toString();
    }
}
