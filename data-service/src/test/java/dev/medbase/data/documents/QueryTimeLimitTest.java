package dev.medbase.data.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;

import com.mongodb.MongoExecutionTimeoutException;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.UncategorizedMongoDbException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/**
 * Every document query carries {@code maxTimeMS} = {@code medbase.data.max-query-time}, and a query MongoDB stops
 * for exceeding it answers 21 LONG_QUERY_EXCEPTION. (The embedded server ignores maxTimeMS, so the timeout itself is
 * simulated here: the spy fails exactly the queries that carry the configured limit.)
 */
@TestPropertySource(properties = "medbase.data.max-query-time=1234ms")
class QueryTimeLimitTest extends DataApiTest {

    @MockitoSpyBean
    MongoTemplate spied;

    @Test
    void slowQueriesAre21() {
        String schema = uniqueName("slow");
        createSchema("{\"name\":\"" + schema + "\",\"readMode\":\"allUsers\"}");
        post("/data/v1/" + schema + "/documents", TestTokens.user().token(), "{\"a\":1}").expect(200);
        doThrow(new UncategorizedMongoDbException("operation exceeded time limit",
                new MongoExecutionTimeoutException(50, "operation exceeded time limit")))
                .when(spied).find(argThat((Query q) -> q != null && q.getMeta().getMaxTimeMsec() != null
                        && q.getMeta().getMaxTimeMsec() == 1234L), eq(Document.class), any(String.class));
        Response r = get("/data/v1/" + schema + "/documents?eq(data.a,1)", TestTokens.user().token());
        r.error(401, 21);
        assertThat(r.json().path("name").asString()).isEqualTo("LONG_QUERY_EXCEPTION");
        get("/data/v1/?eq(name," + schema + ")", TestTokens.user().token()).error(401, 21);
    }
}
