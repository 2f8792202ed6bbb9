package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Translated queries run against a MongoDB wire server (mongo-java-server, in memory); {@code RqlMongoContainersTest}
 * runs the same queries against MongoDB 8.
 */
class RqlMongoExecutionTest {

    private static final String G1 = "5e9fff9d90135a2a9a718a01";
    private static final String G2 = "5e9fff9d90135a2a9a718a02";
    private static final String JOHN = "5e9fff9d90135a2a9a718e01";
    private static final String JOANNA = "5e9fff9d90135a2a9a718e02";
    private static final String MARJORIE = "5e9fff9d90135a2a9a718e03";
    private static final String AB = "5e9fff9d90135a2a9a718e04";
    private static final String AXB = "5e9fff9d90135a2a9a718e05";

    private static final RqlTranslator USERS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("first_name", FieldType.STRING)
            .field("phone_number", FieldType.STRING)
            .field("age", FieldType.NUMBER)
            .field("tags")
            .field("creation_timestamp", FieldType.DATE)
            .field("staff_enlistments")
            .field("staff_enlistments.group_id", FieldType.OBJECT_ID)
            .field("data")
            .camelCaseAliases()
            .build();

    private static MongoServer server;
    private static MongoClient client;
    static MongoTemplate mongo;

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        mongo = new MongoTemplate(client, "rql-test");
        seed();
    }

    static void seed() {
        mongo.insert(List.of(
                user(JOHN, "John", 30, List.of("admin", "staff"), "2020-01-01T00:00:00Z",
                        List.of(enlistment(G1, "admin"), enlistment(G2, "viewer")), new Document("flag", true).append("score", 5))
                        .append("phone_number", "0123"),
                user(JOANNA, "Joanna", 40, List.of("staff"), "2021-06-01T00:00:00Z",
                        List.of(enlistment(G1, "viewer")), new Document("score", 7)),
                user(MARJORIE, "marjorie", 30, List.of(), "2022-03-01T00:00:00Z", List.of(), new Document("flag", false)),
                user(AB, "a.b", 25, List.of("admin"), "2019-05-05T00:00:00Z", null, null),
                user(AXB, "axb", 50, List.of("x", "y", "z"), "2023-01-01T00:00:00Z", List.of(enlistment(G2, "admin")), null)),
                "users");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
    }

    private static Document user(String id, String firstName, int age, List<String> tags, String created,
                                 List<Document> staff, Document data) {
        Document user = new Document("_id", new ObjectId(id))
                .append("first_name", firstName)
                .append("age", age)
                .append("tags", tags)
                .append("creation_timestamp", Date.from(Instant.parse(created)));
        if (staff != null) {
            user.append("staff_enlistments", staff);
        }
        if (data != null) {
            user.append("data", data);
        }
        return user;
    }

    private static Document enlistment(String groupId, String role) {
        return new Document("group_id", new ObjectId(groupId)).append("roles", List.of(role));
    }

    /** First names of the matches, in the order MongoDB returns them. */
    private static List<String> names(String raw) {
        return mongo.find(USERS.toQuery(Rql.parse(raw)), Document.class, "users").stream()
                .map(d -> d.getString("first_name")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            // eq/ne/in/out on arrays mean contains / does not contain
            "eq(tags,admin);                                      John,a.b",
            "ne(tags,admin);                                      Joanna,marjorie,axb",
            "in(tags,x,staff);                                    John,Joanna,axb",
            "out(tags,admin,staff);                               marjorie,axb",
            // like: case-insensitive substring, regex characters literal, arrays of strings
            "like(first_name,JO);                                 John,Joanna,marjorie",
            "like(firstName,a%252Eb);                             a.b",
            "like(tags,DMI);                                      John,a.b",
            "eq(first_name,re:^jo);                               John,Joanna",
            // contains/excludes with conditions on one and the same element
            "contains(staff_enlistments,and(eq(group_id," + G1 + ")));                 John,Joanna",
            "contains(staffEnlistments,and(eq(group_id," + G1 + "),eq(roles,admin)));  John",
            "excludes(staff_enlistments,and(eq(group_id," + G1 + ")));                 marjorie,a.b,axb",
            "excludes(staff_enlistments,and(eq(group_id," + G2 + "),eq(roles,admin))); John,Joanna,marjorie,a.b",
            // existence, array length, data.* paths
            "contains(data.flag);                                 John,marjorie",
            "excludes(data.flag);                                 Joanna,a.b,axb",
            "excludes(tags.1);                                    Joanna,marjorie,a.b",
            "contains(staff_enlistments.0);                       John,Joanna,axb",
            "eq(data.flag,true);                                  John",
            "ge(data.score,6);                                    Joanna",
            // dates (SDK-encoded ISO text, plain ISO, epoch ms) and ObjectIds
            "gt(creationTimestamp,2021%252D01%252D01T00%253A00%253A00%252E000Z);  Joanna,marjorie,axb",
            "le(creation_timestamp,2020-01-01);                   John,a.b",
            "lt(creation_timestamp,1577836800000);                a.b",
            "eq(id," + MARJORIE + ");                             marjorie",
            "gt(id," + MARJORIE + ");                             a.b,axb",
            "in(id," + JOHN + "," + AXB + ");                     John,axb",
            // numbers, strings that look like numbers
            "eq(age,30);                                          John,marjorie",
            "ge(age,40);                                          Joanna,axb",
            "eq(age,030);                                         John,marjorie",
            "eq(phone_number,0123);                               John",
            // logic
            "or(eq(first_name,John),eq(first_name,axb),skipCount()); John,axb",
            "(eq(age,30)|eq(age,25))&eq(tags,admin);              John,a.b",
            "age>=40&tags=staff;                                  Joanna",
            "eq(first_name,nobody);                               ''",
    })
    void filtersMatchTheRightDocuments(String raw, String expected) {
        List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(","));
        assertThat(names(raw.strip() + "&sort(id)")).containsExactlyElementsOf(want);
    }

    @Test
    void multiFieldSort() {
        assertThat(names("sort(age,-first_name)")).containsExactly("a.b", "marjorie", "John", "Joanna", "axb");
        assertThat(names("sort(-age,firstName)")).containsExactly("axb", "Joanna", "John", "marjorie", "a.b");
    }

    @Test
    void limitAndOffset() {
        assertThat(names("sort(-age,first_name)&limit(2,1)")).containsExactly("Joanna", "John");
        assertThat(names("limit(2,4)&sort(id)")).containsExactly("axb");
        assertThat(names("limit(2,10)&sort(id)")).isEmpty();
    }

    @Test
    void selectReturnsOnlyTheSelectedFieldsAndId() {
        Document john = mongo.findOne(USERS.toQuery(Rql.parse("select(firstName,data.score)&eq(id," + JOHN + ")")), Document.class, "users");
        assertThat(john).isNotNull();
        assertThat(john.keySet()).containsExactlyInAnyOrder("_id", "first_name", "data");
        assertThat(john.get("data", Document.class).keySet()).containsExactly("score");
    }

    @Test
    void pageCountsAllMatchesAndEchoesEffectiveLimitAndOffset() {
        RqlQuery rql = Rql.parse("eq(age,30)&sort(first_name)&limit(1)");
        PageEnvelope<String> page = RqlPaging.find(mongo, USERS.toQuery(rql), rql, Document.class, "users",
                d -> d.getString("first_name"));
        assertThat(page.data()).containsExactly("John");
        assertThat(page.page()).isEqualTo(new PageEnvelope.Page(2L, 0, 1));

        RqlQuery second = Rql.parse("eq(age,30)&sort(first_name)&limit(1,1)");
        assertThat(RqlPaging.find(mongo, USERS.toQuery(second), second, Document.class, "users", d -> d.getString("first_name")))
                .isEqualTo(PageEnvelope.of(List.of("marjorie"), 2L, 1, 1));
    }

    @Test
    void pageLimitIsCappedAndDefaulted() {
        RqlQuery huge = Rql.parse("limit(500)");
        PageEnvelope<Object> capped = RqlPaging.find(mongo, USERS.toQuery(huge), huge, Document.class, "users", d -> d.get("_id"));
        assertThat(capped.page()).isEqualTo(new PageEnvelope.Page(5L, 0, 100));
        assertThat(capped.data()).hasSize(5);

        RqlTranslator small = RqlTranslator.builder().field("id", "_id", FieldType.OBJECT_ID).defaultLimit(2).maxLimit(3).build();
        PageEnvelope<Object> byDefault = RqlPaging.find(mongo, small.toQuery(RqlQuery.EMPTY), RqlQuery.EMPTY, Document.class, "users", d -> d.get("_id"));
        assertThat(byDefault.page()).isEqualTo(new PageEnvelope.Page(5L, 0, 2));
        assertThat(byDefault.data()).hasSize(2);
        RqlQuery tooMany = Rql.parse("limit(50,3)");
        PageEnvelope<Object> cappedSmall = RqlPaging.find(mongo, small.toQuery(tooMany), tooMany, Document.class, "users", d -> d.get("_id"));
        assertThat(cappedSmall.page()).isEqualTo(new PageEnvelope.Page(5L, 3, 3));
        assertThat(cappedSmall.data()).hasSize(2);
    }

    @Test
    void skipCountOmitsTotal() {
        RqlQuery rql = Rql.parse("or(eq(age,30),skipCount())");
        PageEnvelope<String> page = RqlPaging.find(mongo, USERS.toQuery(rql), rql, Document.class, "users", d -> d.getString("first_name"));
        assertThat(page.page().total()).isNull();
        assertThat(page.data()).containsExactlyInAnyOrder("John", "marjorie");
    }

    @Test
    void scopeRestrictsWhatTheQueryCanSee() {
        RqlQuery rql = Rql.parse("eq(tags,admin)");
        PageEnvelope<String> page = RqlPaging.find(mongo, USERS.toQuery(rql, Criteria.where("age").lt(30)), rql, Document.class,
                "users", d -> d.getString("first_name"));
        assertThat(page.data()).containsExactly("a.b");
        assertThat(page.page().total()).isEqualTo(1L);
    }
}
