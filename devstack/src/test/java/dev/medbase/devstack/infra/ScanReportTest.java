package dev.medbase.devstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.bson.Document;

class ScanReportTest {

    @Test
    void shapesNameFieldsAndOperatorsButNoValues() {
        Document query = new Document("$or", List.of(
                new Document("status", "new").append("startTimestamp", new Document("$lte", new Date())),
                new Document("status", "inProgress").append("leaseUntil", new Document("$lt", new Date()))))
                .append("functionName", new Document("$nin", List.of("a", "b")));

        assertThat(ScanReport.shape(query)).isEqualTo(
                "{$or: [{status, startTimestamp: {$lte}}, {status, leaseUntil: {$lt}}], functionName: {$nin: [?]}}");
    }

    @Test
    void summarisesPerCollectionAndShapeCostliestFirstThenStartsOver() {
        ScanReport report = new ScanReport();
        report.record("db.tasks", new Document("status", "new"), null, 100, 2_000_000);
        report.record("db.tasks", new Document("status", "failed"), null, 120, 3_000_000);
        report.record("db.outbox", new Document("owner", "x"), new Document("time", 1), 5, 9_000_000);

        assertThat(report.summaryAndReset()).isEqualTo(String.format(
                "Scans since the last report (query shape: scans, documents, ms):%n"
                        + "  db.outbox {owner} sort [time]: 1, 5, 9%n"
                        + "  db.tasks {status}: 2, 220, 5"));
        assertThat(report.summaryAndReset()).isNull();
    }
}
