package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.bson.Document;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** RQL to Spring Data MongoDB: criteria, sort, projection, skip and limit (contract §4.4, §4.5, §2.6). */
class RqlTranslatorTest {

    private static final String ID = "5e9fff9d90135a2a9a718e2f";
    private static final String ID2 = "5e9fff9d90135a2a9a718e30";

    /** Permissive, with the typed fields the §4.7 vectors touch. */
    private static final RqlTranslator VECTORS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("creationTimestamp", FieldType.DATE)
            .field("staff_enlistments.group_id", FieldType.OBJECT_ID)
            .field("phone_number", FieldType.STRING)
            .allowUnknownFields()
            .build();

    /** A snake_case service with a whitelist, like the users service. */
    private static final RqlTranslator USERS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("first_name", FieldType.STRING)
            .field("phone_number", FieldType.STRING)
            .field("creation_timestamp", FieldType.DATE)
            .field("age", FieldType.NUMBER)
            .field("active", FieldType.BOOLEAN)
            .field("roles")
            .field("staff_enlistments")
            .field("staff_enlistments.group_id", FieldType.OBJECT_ID)
            .field("patient_enlistments", "patientEnlistments", FieldType.ANY)
            .field("patient_enlistments.group_id", "patientEnlistments.groupId", FieldType.OBJECT_ID)
            .camelCaseAliases()
            .build();

    /** Data documents: system fields plus anything under data.*. */
    private static final RqlTranslator DOCUMENTS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("userIds", FieldType.OBJECT_ID)
            .field("creationTimestamp", FieldType.DATE)
            .field("status", FieldType.STRING)
            .field("data")
            .build();

    private static Document criteria(RqlTranslator translator, String raw) {
        return new Document(translator.toQuery(Rql.parse(raw)).getQueryObject()); // a plain Document even when empty
    }

    private static ExhException invalid(Runnable r) {
        try {
            r.run();
        } catch (ExhException e) {
            assertThat(e.error()).isEqualTo(ExhError.INVALID_RQL_EXCEPTION);
            return e;
        }
        throw new AssertionError("expected INVALID_RQL_EXCEPTION");
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("?eq(name,Hypertension%2520%252D%2520STAGE%25201)", "{name: 'Hypertension - STAGE 1'}"),
                Arguments.of("?eq(email,john%252Edoe%252B1%2540example%252Ecom)", "{email: 'john.doe+1@example.com'}"),
                Arguments.of("?like(description,a%2529a)",
                        "{description: {$regularExpression: {pattern: 'a\\\\)a', options: 'i'}}}"),
                Arguments.of("?gt(creationTimestamp,1970%252D01%252D01T00%253A00%253A00%252E000Z)",
                        "{creationTimestamp: {$gt: {$date: '1970-01-01T00:00:00Z'}}}"),
                Arguments.of("?eq(data.deviceId,dev%252D1)", "{'data.deviceId': 'dev-1'}"),
                Arguments.of("?eq(id," + ID + ")", "{_id: {$oid: '" + ID + "'}}"),
                Arguments.of("?eq(data.x,true)", "{'data.x': true}"),
                Arguments.of("?in(status,new,in%2520progress)", "{status: {$in: ['new', 'in progress']}}"),
                Arguments.of("?select(id,data.value)&sort(-creationTimestamp,id)&limit(10,20)", "{}"),
                Arguments.of("?or(eq(a,1),eq(b,x%2520y))", "{$or: [{a: 1}, {b: 'x y'}]}"),
                Arguments.of("?contains(staff_enlistments,and(eq(group_id," + ID + ")))",
                        "{staff_enlistments: {$elemMatch: {group_id: {$oid: '" + ID + "'}}}}"),
                Arguments.of("?excludes(data.flag)&skipCount()", "{'data.flag': {$exists: false}}"),
                Arguments.of("?eq(x,1)&limit(50,50)", "{x: 1}"),
                Arguments.of("?eq(phone_number,string%253A12345678)", "{phone_number: '12345678'}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void testVectorCriteria(String raw, String expectedJson) {
        assertThat(criteria(VECTORS, raw)).isEqualTo(Document.parse(expectedJson));
    }

    @Test
    void testVectorOptions() {
        Query q = VECTORS.toQuery(Rql.parse("?select(id,data.value)&sort(-creationTimestamp,id)&limit(10,20)"));
        assertThat(q.getFieldsObject()).isEqualTo(Document.parse("{_id: 1, 'data.value': 1}"));
        assertThat(q.getSortObject().toJson()).isEqualTo("{\"creationTimestamp\": -1, \"_id\": 1}");
        assertThat(q.getSkip()).isEqualTo(20);
        assertThat(q.getLimit()).isEqualTo(10);

        Query paged = VECTORS.toQuery(Rql.parse("?eq(x,1)&limit(50,50)"));
        assertThat(paged.getSkip()).isEqualTo(50);
        assertThat(paged.getLimit()).isEqualTo(50);
    }

    @Nested
    class Operators {

        @Test
        void comparisons() {
            assertThat(criteria(VECTORS, "ne(a,1)&gt(b,2)&ge(c,3)&lt(d,4)&le(e,x)")).isEqualTo(Document.parse(
                    "{$and: [{a: {$ne: 1}}, {b: {$gt: 2}}, {c: {$gte: 3}}, {d: {$lt: 4}}, {e: {$lte: 'x'}}]}"));
        }

        @Test
        void twoConditionsOnOneFieldDoNotCollide() {
            assertThat(criteria(VECTORS, "gt(a,1)&lt(a,5)"))
                    .isEqualTo(Document.parse("{$and: [{a: {$gt: 1}}, {a: {$lt: 5}}]}"));
        }

        @Test
        void inAndOut() {
            assertThat(criteria(VECTORS, "in(a,1,x)")).isEqualTo(Document.parse("{a: {$in: [1, 'x']}}"));
            assertThat(criteria(VECTORS, "out(a,1,x)")).isEqualTo(Document.parse("{a: {$nin: [1, 'x']}}"));
            assertThat(criteria(VECTORS, "in(a)")).isEqualTo(Document.parse("{a: {$in: []}}"));
        }

        @Test
        void existence() {
            assertThat(criteria(VECTORS, "contains(a.b)")).isEqualTo(Document.parse("{'a.b': {$exists: true}}"));
            assertThat(criteria(VECTORS, "excludes(roles.5)")).isEqualTo(Document.parse("{'roles.5': {$exists: false}}"));
        }

        @Test
        void excludesWithConditionIsNoMatchingElement() {
            assertThat(criteria(VECTORS, "excludes(items,and(eq(a,1),gt(b,2)))")).isEqualTo(Document.parse(
                    "{items: {$not: {$elemMatch: {$and: [{a: 1}, {b: {$gt: 2}}]}}}}"));
        }

        @Test
        void nestedAndOr() {
            assertThat(criteria(VECTORS, "and(or(eq(a,1),eq(a,2)),ne(b,3))")).isEqualTo(Document.parse(
                    "{$and: [{$or: [{a: 1}, {a: 2}]}, {b: {$ne: 3}}]}"));
        }

        @Test
        void nullMeansNullOrMissing() {
            assertThat(criteria(VECTORS, "eq(a,null)")).isEqualTo(new Document("a", null));
        }

        @Test
        void likeIsACaseInsensitiveLiteralSubstring() {
            assertThat(criteria(VECTORS, "like(name,a.b*%2528c%2529%255B)")).isEqualTo(Document.parse(
                    "{name: {$regularExpression: {pattern: 'a\\\\.b\\\\*\\\\(c\\\\)\\\\[', options: 'i'}}}"));
            assertThat(criteria(VECTORS, "like(name,12)")).isEqualTo(Document.parse(
                    "{name: {$regularExpression: {pattern: '12', options: 'i'}}}"));
        }

        @Test
        void likeWithAnExplicitRegexUsesIt() {
            assertThat(criteria(VECTORS, "like(name,RE:^Jo)")).isEqualTo(Document.parse(
                    "{name: {$regularExpression: {pattern: '^Jo', options: ''}}}"));
        }

        @Test
        void regexValuesMatchInsteadOfComparing() {
            assertThat(criteria(VECTORS, "eq(name,re:^jo)")).isEqualTo(Document.parse(
                    "{name: {$regularExpression: {pattern: '^jo', options: 'i'}}}"));
            assertThat(criteria(VECTORS, "ne(name,glob:jo*)")).isEqualTo(Document.parse(
                    "{name: {$not: {$regularExpression: {pattern: '^jo.*$', options: 'i'}}}}"));
            assertThat(criteria(VECTORS, "in(name,RE:^a,b)")).isEqualTo(Document.parse(
                    "{name: {$in: [{$regularExpression: {pattern: '^a', options: ''}}, 'b']}}"));
        }

        @Test
        void explicitDatesAndNumbers() {
            assertThat(criteria(VECTORS, "gt(a,date:2020-01-01)&lt(b,epoch:0)&eq(c,number:007)")).isEqualTo(Document.parse(
                    "{$and: [{a: {$gt: {$date: '2020-01-01T00:00:00Z'}}}, {b: {$lt: {$date: '1970-01-01T00:00:00Z'}}}, {c: 7}]}"));
        }

        @Test
        void emptyQueryMatchesAll() {
            assertThat(criteria(VECTORS, "")).isEmpty();
            assertThat(VECTORS.toCriteria(RqlNode.MATCH_ALL).getCriteriaObject()).isEmpty();
        }
    }

    @Nested
    class Fields {

        @Test
        void idMapsToUnderscoreId() {
            assertThat(USERS.storedField("id")).isEqualTo("_id");
            assertThat(criteria(USERS, "eq(id," + ID + ")")).isEqualTo(Document.parse("{_id: {$oid: '" + ID + "'}}"));
        }

        @Test
        void camelCaseAliasesOnASnakeCaseService() {
            assertThat(criteria(USERS, "eq(firstName,Joe)")).isEqualTo(criteria(USERS, "eq(first_name,Joe)"))
                    .isEqualTo(Document.parse("{first_name: 'Joe'}"));
            assertThat(criteria(USERS, "eq(staffEnlistments.groupId," + ID + ")"))
                    .isEqualTo(Document.parse("{'staff_enlistments.group_id': {$oid: '" + ID + "'}}"));
        }

        @Test
        void elementConditionsAreRelativeAndMapped() {
            assertThat(criteria(USERS, "contains(patient_enlistments,eq(group_id," + ID + "),gt(expiry_timestamp,5))"))
                    .isEqualTo(Document.parse("{patientEnlistments: {$elemMatch: {$and: ["
                            + "{groupId: {$oid: '" + ID + "'}}, {expiry_timestamp: {$gt: 5}}]}}}"));
        }

        @Test
        void subPathsOfADeclaredFieldAreAllowed() {
            assertThat(criteria(DOCUMENTS, "eq(data.anything.deep,1)&eq(data.x,2)"))
                    .isEqualTo(Document.parse("{$and: [{'data.anything.deep': 1}, {'data.x': 2}]}"));
        }

        @Test
        void unknownFieldsAreRejectedEverywhere() {
            for (String raw : new String[] {"eq(password_hash,x)", "like(password,a)", "sort(password)",
                    "select(first_name,password)", "contains(secrets)", "eq(dataX,1)", "or(eq(first_name,a),gt(salt,1))"}) {
                ExhException e = invalid(() -> USERS.toQuery(Rql.parse(raw)));
                assertThat(e.getMessage()).as(raw).startsWith("Invalid RQL: unknown field '");
            }
            assertThat(invalid(() -> DOCUMENTS.toQuery(Rql.parse("eq(dataX,1)"))).getMessage())
                    .isEqualTo("Invalid RQL: unknown field 'dataX'");
        }

        @Test
        void unknownFieldsPassWhenAllowed() {
            assertThat(criteria(VECTORS, "eq(whatever.path,1)")).isEqualTo(Document.parse("{'whatever.path': 1}"));
        }
    }

    @Nested
    class Types {

        @Test
        void objectIds() {
            assertThat(criteria(DOCUMENTS, "eq(id,5E9FFF9D90135A2A9A718E2F)"))
                    .isEqualTo(Document.parse("{_id: {$oid: '" + ID + "'}}"));
            assertThat(criteria(DOCUMENTS, "in(userIds," + ID + "," + ID2 + ")"))
                    .isEqualTo(Document.parse("{userIds: {$in: [{$oid: '" + ID + "'}, {$oid: '" + ID2 + "'}]}}"));
            assertThat(criteria(DOCUMENTS, "gt(id," + ID + ")")).isEqualTo(Document.parse("{_id: {$gt: {$oid: '" + ID + "'}}}"));
            assertThat(criteria(DOCUMENTS, "eq(id,'" + ID + "')")).isEqualTo(Document.parse("{_id: {$oid: '" + ID + "'}}"));
            assertThat(criteria(DOCUMENTS, "eq(id,string:" + ID + ")")).isEqualTo(Document.parse("{_id: {$oid: '" + ID + "'}}"));
        }

        @Test
        void idsThatAreNotObjectIdsStayTextNeverNumbers() {
            assertThat(criteria(DOCUMENTS, "eq(id,123)")).isEqualTo(Document.parse("{_id: '123'}"));
            assertThat(criteria(DOCUMENTS, "eq(id,not-an-id)")).isEqualTo(Document.parse("{_id: 'not-an-id'}"));
            assertThat(criteria(DOCUMENTS, "eq(id,null)")).isEqualTo(new Document("_id", null));
        }

        @Test
        void datesFromIsoTextAndEpochMillis() {
            assertThat(criteria(DOCUMENTS, "gt(creationTimestamp,2020-01-02T03:04:05.678Z)"))
                    .isEqualTo(Document.parse("{creationTimestamp: {$gt: {$date: '2020-01-02T03:04:05.678Z'}}}"));
            assertThat(criteria(DOCUMENTS, "gt(creationTimestamp,2020-01-02T04:04:05.678%252B01:00)"))
                    .isEqualTo(Document.parse("{creationTimestamp: {$gt: {$date: '2020-01-02T03:04:05.678Z'}}}"));
            assertThat(criteria(DOCUMENTS, "lt(creationTimestamp,1577836800000)"))
                    .isEqualTo(Document.parse("{creationTimestamp: {$lt: {$date: '2020-01-01T00:00:00Z'}}}"));
            assertThat(criteria(DOCUMENTS, "eq(creationTimestamp,2020-01-01)"))
                    .isEqualTo(Document.parse("{creationTimestamp: {$date: '2020-01-01T00:00:00Z'}}"));
        }

        @Test
        void textThatIsNoDateOrAnExplicitStringStaysText() {
            assertThat(criteria(DOCUMENTS, "eq(creationTimestamp,yesterday)")).isEqualTo(Document.parse("{creationTimestamp: 'yesterday'}"));
            assertThat(criteria(DOCUMENTS, "eq(creationTimestamp,string:2020-01-01)"))
                    .isEqualTo(Document.parse("{creationTimestamp: '2020-01-01'}"));
        }

        @Test
        void untypedFieldsAreNotCoerced() {
            assertThat(criteria(DOCUMENTS, "gt(data.when,2020-01-01T00:00:00Z)&eq(data.id," + ID + ")"))
                    .isEqualTo(Document.parse("{$and: [{'data.when': {$gt: '2020-01-01T00:00:00Z'}}, {'data.id': '" + ID + "'}]}"));
        }

        @Test
        void stringFieldsCompareTheWrittenText() {
            assertThat(criteria(USERS, "eq(phone_number,0123)")).isEqualTo(Document.parse("{phone_number: '0123'}"));
            assertThat(criteria(USERS, "eq(phone_number,12345678)")).isEqualTo(Document.parse("{phone_number: '12345678'}"));
            assertThat(criteria(USERS, "eq(first_name,true)")).isEqualTo(Document.parse("{first_name: 'true'}"));
            assertThat(criteria(USERS, "eq(first_name,number:5)")).isEqualTo(Document.parse("{first_name: 5}"));
            assertThat(criteria(USERS, "eq(first_name,null)")).isEqualTo(new Document("first_name", null));
        }

        @Test
        void numberFields() {
            assertThat(criteria(USERS, "eq(age,030)")).isEqualTo(Document.parse("{age: 30}"));
            assertThat(criteria(USERS, "in(age,1.50,02)")).isEqualTo(Document.parse("{age: {$in: [1.5, 2]}}"));
            assertThat(criteria(USERS, "eq(age,abc)")).isEqualTo(Document.parse("{age: 'abc'}"));
            assertThat(criteria(USERS, "eq(age,string:30)")).isEqualTo(Document.parse("{age: '30'}"));
        }

        @Test
        void booleanFields() {
            assertThat(criteria(USERS, "eq(active,TRUE)&ne(active,False)"))
                    .isEqualTo(Document.parse("{$and: [{active: true}, {active: {$ne: false}}]}"));
            assertThat(criteria(USERS, "eq(active,yes)")).isEqualTo(Document.parse("{active: 'yes'}"));
        }
    }

    @Nested
    class Options {

        @Test
        void defaultAndMaximumLimit() {
            assertThat(USERS.toQuery(Rql.parse("")).getLimit()).isEqualTo(20);
            assertThat(USERS.toQuery(Rql.parse("limit(5)")).getLimit()).isEqualTo(5);
            assertThat(USERS.toQuery(Rql.parse("limit(100)")).getLimit()).isEqualTo(100);
            assertThat(USERS.toQuery(Rql.parse("limit(500,7)")).getLimit()).isEqualTo(100);
            assertThat(USERS.toQuery(Rql.parse("limit(500,7)")).getSkip()).isEqualTo(7);
            assertThat(USERS.effectiveLimit(Rql.parse("limit(99999999999)"))).isEqualTo(100);
        }

        @Test
        void configuredLimits() {
            RqlTranslator t = RqlTranslator.builder().allowUnknownFields().defaultLimit(50).maxLimit(1000).build();
            assertThat(t.effectiveLimit(Rql.parse(""))).isEqualTo(50);
            assertThat(t.effectiveLimit(Rql.parse("limit(5000)"))).isEqualTo(1000);
            assertThat(t.effectiveLimit(Rql.parse("limit(3)"))).isEqualTo(3);
        }

        @Test
        void selectMapsAndDeduplicatesAliases() {
            assertThat(USERS.toQuery(Rql.parse("select(firstName,id,first_name)")).getFieldsObject())
                    .isEqualTo(Document.parse("{first_name: 1, _id: 1}"));
        }

        @Test
        void selectOfAFieldAndItsSubFieldIsRejected() {
            assertThat(invalid(() -> DOCUMENTS.toQuery(Rql.parse("select(data,data.x)"))).getMessage())
                    .contains("cannot name both a field and one of its sub-fields");
            invalid(() -> DOCUMENTS.toQuery(Rql.parse("select(data.x.y,data.x)")));
        }

        @Test
        void multiFieldSortKeepsItsOrder() {
            Document sort = USERS.toQuery(Rql.parse("sort(-creationTimestamp,firstName,+id)")).getSortObject();
            assertThat(sort.toJson()).isEqualTo("{\"creation_timestamp\": -1, \"first_name\": 1, \"_id\": 1}");
        }

        @Test
        void scopeIsAndedWithTheFilter() {
            Criteria scope = Criteria.where("schemaId").is("s1");
            assertThat(DOCUMENTS.toQuery(Rql.parse("eq(data.a,1)"), scope).getQueryObject())
                    .isEqualTo(Document.parse("{$and: [{schemaId: 's1'}, {'data.a': 1}]}"));
            assertThat(DOCUMENTS.toQuery(Rql.parse("limit(3)"), scope).getQueryObject())
                    .isEqualTo(Document.parse("{schemaId: 's1'}"));
        }
    }

    @Test
    void dateStringFieldsCompareAsNormalisedUtcStrings() {
        RqlTranslator dates = RqlTranslator.builder().field("data").field("data.at", FieldType.DATE_STRING).build();
        assertThat(criteria(dates, "gt(data.at,2012%252D08%252D22T14%253A16%253A05%252E677%252B02%253A00)"))
                .isEqualTo(Document.parse("{'data.at': {$gt: '2012-08-22T12:16:05.677Z'}}"));
        assertThat(criteria(dates, "ge(data.at,2012%252D08)"))
                .isEqualTo(Document.parse("{'data.at': {$gte: '2012-08-01T00:00:00.000Z'}}"));
        assertThat(criteria(dates, "lt(data.at,0)"))
                .isEqualTo(Document.parse("{'data.at': {$lt: '1970-01-01T00:00:00.000Z'}}"));
        assertThat(criteria(dates, "eq(data.at,date%253A2020%252D01%252D02)"))
                .isEqualTo(Document.parse("{'data.at': '2020-01-02T00:00:00.000Z'}"));
        // not a date: compared as typed; an explicit string stays a string
        assertThat(criteria(dates, "eq(data.at,soon)")).isEqualTo(Document.parse("{'data.at': 'soon'}"));
        assertThat(criteria(dates, "eq(data.at,string%253A2012%252D01%252D01)"))
                .isEqualTo(Document.parse("{'data.at': '2012-01-01'}"));
        // other data fields are untouched
        assertThat(criteria(dates, "eq(data.other,2012%252D01%252D01)"))
                .isEqualTo(Document.parse("{'data.other': '2012-01-01'}"));
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> RqlTranslator.builder().maxLimit(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RqlTranslator.builder().field("", FieldType.ANY)).isInstanceOf(IllegalArgumentException.class);
    }
}
