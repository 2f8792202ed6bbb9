package dev.medbase.mail.templates;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.medbase.devstack.infra.ReceivedMail;
import dev.medbase.mail.support.ApiTest;
import dev.medbase.mail.support.TestSmtp;

/** {@code /templates/v1} and {@code /templates/v2} over HTTP, and mails sent with either. */
class TemplatesApiTest extends ApiTest {

    static final String ORDER_V1 = json("""
            {'name': 'order_confirm_email', 'description': 'Order ready',
             'schema': {'type': 'object', 'fields': {'first_name': {'type': 'string'},
                        'order_id': {'type': 'number', 'options': [{'type': 'min', 'value': 1}]}}},
             'fields': {'subject': 'Order $content.order_id is ready',
                        'body': '<p>Hello $content.first_name#if($content.vip), dear VIP#end!</p><img src="https://api.example.com/mail/v1/$content.tracking_hash/open">'}}""")
            .replace("src=\"https", "src=\\\"https").replace("/open\">", "/open\\\">");

    static final String WELCOME_V2 = json("""
            {'name': 'welcome_mail', 'description': 'Welcome',
             'inputs': {'first_name': {'type': 'string'}, 'age': {'type': 'number'},
                        'tags': {'type': 'array', 'items': {'type': 'string'}}},
             'outputs': {'subject': '{{t \\"subject\\" name=@inputs.first_name}}',
                         'body': '<p>{{t \\"greeting\\"}} {{@inputs.first_name}}</p>{{#each @inputs.tags}}<i>{{this}}</i>{{/each}}'},
             'localizations': {'subject': {'EN': 'Welcome {{name}}', 'NL': 'Welkom {{name}}'},
                               'greeting': {'EN': 'Hello', 'NL': 'Hallo'}}}""");

    @Test
    void templatesV1Crud() {
        JsonNode created = post("/templates/v1/", ADMIN, ORDER_V1).expect(200).json();
        String id = created.get("id").asString();
        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(created.get("name").asString()).isEqualTo("order_confirm_email");
        assertThat(created.get("schema").get("fields").get("order_id").get("type").asString()).isEqualTo("number");
        assertThat(created.get("fields").get("subject").asString()).isEqualTo("Order $content.order_id is ready");
        assertThat(created.get("creationTimestamp").asLong()).isEqualTo(clock.millis());
        assertThat(created.get("updateTimestamp").asLong()).isEqualTo(clock.millis());
        post("/templates/v1/", ADMIN, ORDER_V1).expectError(400, 17);

        JsonNode found = get("/templates/v1/?eq(name,order_confirm_email)", ADMIN).expect(200).json();
        assertThat(found.get("page").toString()).isEqualTo("{\"total\":1,\"offset\":0,\"limit\":20}");
        assertThat(found.get("data").get(0)).isEqualTo(created);
        assertThat(get("/templates/v1?eq(id," + id + ")", ADMIN).json().get("data").get(0).get("id").asString())
                .isEqualTo(id);
        assertThat(get("/templates/v1/?eq(name,other)", ADMIN).json().get("data").size()).isZero();

        clock.advance(Duration.ofSeconds(3));
        JsonNode updated = put("/templates/v1/" + id, ADMIN, json("{'description': 'changed',"
                + " 'fields': {'subject': 'S $content.order_id', 'body': 'B'}}")).expect(200).json();
        assertThat(updated.get("description").asString()).isEqualTo("changed");
        assertThat(updated.get("fields").get("subject").asString()).isEqualTo("S $content.order_id");
        assertThat(updated.get("name").asString()).isEqualTo("order_confirm_email");
        assertThat(updated.get("updateTimestamp").asLong()).isEqualTo(clock.millis());
        assertThat(updated.get("creationTimestamp").asLong()).isEqualTo(created.get("creationTimestamp").asLong());

        assertThat(delete("/templates/v1/" + id, ADMIN).expect(200).raw()).isEqualTo("{\"affectedRecords\":1}");
        delete("/templates/v1/" + id, ADMIN).expectError(404, 16);
        put("/templates/v1/" + id, ADMIN, ORDER_V1).expectError(404, 16);
    }

    @Test
    void templatesV1Resolve() {
        String id = post("/templates/v1/", ADMIN, ORDER_V1).expect(200).get("id").asString();
        JsonNode resolved = post("/templates/v1/" + id + "/resolve", NOBODY,
                json("{'language': 'EN', 'time_zone': 'Europe/Brussels',"
                        + " 'content': {'first_name': 'Zoë', 'order_id': 12, 'vip': true, 'tracking_hash': 'h'}}"))
                .expect(200).json();
        assertThat(resolved.get("subject").asString()).isEqualTo("Order 12 is ready");
        assertThat(resolved.get("body").asString()).startsWith("<p>Hello Zoë, dear VIP!</p>");
        post("/templates/v1/" + id + "/resolve/NL", NOBODY, json("{'content': {'order_id': 1}}")).expect(200);
        post("/templates/v1/" + id + "/resolve", NOBODY, json("{'content': {'order_id': 'twelve'}}"))
                .expectError(400, 1003);
        post("/templates/v1/" + id + "/resolve", NOBODY, json("{'content': {'order_id': 0}}")).expectError(400, 1003);
        post("/templates/v1/" + id + "/resolve", NOBODY, json("{'language': 'EN'}")).expectError(400, 14);
        post("/templates/v1/" + id + "/resolve", NOBODY, json("{'content': {}, 'time_zone': 'Mars/Base'}"))
                .expectError(400, 15);
        post("/templates/v1/" + id + "/resolve", null, json("{'content': {}}")).expectError(401, 104);
        post("/templates/v1/" + new ObjectId() + "/resolve", NOBODY, json("{'content': {}}")).expectError(404, 16);

        String localized = post("/templates/v1/", ADMIN, json("{'name': 'l10n', 'fields': {'t': '{{hi,$content.n}}'},"
                + " 'localizations': {'hi': {'EN': 'Hi $1', 'FR': 'Salut $1'}}}")).expect(200).get("id").asString();
        assertThat(post("/templates/v1/" + localized + "/resolve/fr", NOBODY, json("{'content': {'n': 'Léa'}}"))
                .expect(200).raw()).isEqualTo("{\"t\":\"Salut Léa\"}");
        String missing = post("/templates/v1/", ADMIN, json("{'name': 'missing', 'fields': {'t': '{{nope}}'}}"))
                .expect(200).get("id").asString();
        post("/templates/v1/" + missing + "/resolve", NOBODY, json("{'content': {}}")).expectError(400, 1002);
    }

    @Test
    void hostileV1TemplatesAreRefusedOrStoppedSafely() {
        for (String field : List.of("#include('/etc/passwd')", "#macro(m)#m()#end#m()", "#set($s = 'a' + 'b')",
                "#evaluate('#foreach')", "#if($content.x")) {
            post("/templates/v1/", ADMIN, "{\"name\":\"evil\",\"fields\":{\"body\":" + JSON.writeValueAsString(field)
                    + "}}").expectError(400, 1004);
        }
        String loop = post("/templates/v1/", ADMIN, json("{'name': 'loop', 'fields': {'body':"
                + " '#foreach($i in [1..2000000000])#foreach($j in [1..2000000000])#end#end'}}")).expect(200)
                .get("id").asString();
        post("/templates/v1/" + loop + "/resolve", NOBODY, json("{'content': {}}")).expectError(400, 1005);
        String classy = post("/templates/v1/", ADMIN, json("{'name': 'classy', 'fields': {'body':"
                + " '$content.getClass().getClassLoader() $content.class.name'}}")).expect(200).get("id").asString();
        String body = post("/templates/v1/" + classy + "/resolve", NOBODY, json("{'content': {}}")).expect(200)
                .get("body").asString();
        assertThat(body).isEqualTo("$content.getClass().getClassLoader() $content.class.name");
    }

    @Test
    void templatesV2CrudAndResolve() {
        JsonNode created = post("/templates/v2/", ADMIN, WELCOME_V2).expect(200).json();
        String id = created.get("id").asString();
        assertThat(created.get("inputs").get("tags").get("items").get("type").asString()).isEqualTo("string");
        assertThat(created.get("outputs").get("subject").asString()).isEqualTo("{{t \"subject\" name=@inputs.first_name}}");
        assertThat(created.get("creationTimestamp").isNumber()).isTrue();
        post("/templates/v2/", ADMIN, WELCOME_V2).expectError(400, 17);
        assertThat(get("/templates/v2/?eq(name,welcome_mail)", ADMIN).json().get("data").get(0)).isEqualTo(created);

        String inputs = "{\"language\":\"nl\",\"timeZone\":\"Europe/Brussels\","
                + "\"inputs\":{\"first_name\":\"Zoë & co\",\"age\":3,\"tags\":[\"a\",\"b\"]}}";
        JsonNode byName = post("/templates/v2/welcome_mail/resolve", ADMIN, inputs).expect(200).json();
        assertThat(byName.get("subject").asString()).isEqualTo("Welkom Zoë &amp; co");
        assertThat(byName.get("body").asString()).isEqualTo("<p>Hallo Zoë &amp; co</p><i>a</i><i>b</i>");
        assertThat(post("/templates/v2/" + id + "/resolve", ADMIN, inputs).expect(200).json()).isEqualTo(byName);
        post("/templates/v2/welcome_mail/resolve", ADMIN, "{\"inputs\":{\"age\":\"3\"}}").expectError(400, 1003);
        post("/templates/v2/welcome_mail/resolve", ADMIN, "{\"inputs\":{\"tags\":[1]}}").expectError(400, 1003);
        post("/templates/v2/welcome_mail/resolve", ADMIN, "{\"inputs\":\"x\"}").expectError(400, 15);
        post("/templates/v2/nope/resolve", ADMIN, "{}").expectError(404, 16);

        String scoped = TestTokens.user(new ObjectId()).permissions("RESOLVE_TEMPLATES:welcome_mail").token();
        post("/templates/v2/welcome_mail/resolve", scoped, "{}").expect(200);
        post("/templates/v2/welcome_mail/resolve", NOBODY, "{}").expectError(401, 10);
        post("/templates/v2/welcome_mail/resolve", null, "{}").expectError(401, 104);

        assertThat(put("/templates/v2/welcome_mail", ADMIN, "{\"description\":null,\"inputs\":null,"
                + "\"outputs\":{\"body\":\"{{@inputs.x}}\"}}").expect(200).raw()).isEqualTo("{\"affectedRecords\":1}");
        JsonNode updated = get("/templates/v2/?eq(id," + id + ")", ADMIN).json().get("data").get(0);
        assertThat(updated.has("description")).isFalse();
        assertThat(updated.has("inputs")).isFalse();
        assertThat(updated.get("outputs").toString()).isEqualTo("{\"body\":\"{{@inputs.x}}\"}");
        put("/templates/v2/welcome_mail", ADMIN, "{\"outputs\":{\"body\":\"{{#if}}\"}}").expectError(400, 1004);
        put("/templates/v2/welcome_mail", ADMIN, "{\"name\":\"bad name/\"}").expectError(400, 15);
        assertThat(delete("/templates/v2/" + id, ADMIN).expect(200).raw()).isEqualTo("{\"affectedRecords\":1}");
        delete("/templates/v2/welcome_mail", ADMIN).expectError(404, 16);
    }

    @Test
    void mailsUseV2ThenV1TemplatesWithATrackingHash() {
        post("/templates/v2/", ADMIN, WELCOME_V2).expect(200);
        String v1 = post("/templates/v1/", ADMIN, ORDER_V1).expect(200).get("id").asString();
        JsonNode byName = post("/mail/v1/", ADMIN, "{\"recipients\":{\"to\":[\"zoe@example.com\"]},"
                + "\"template_name\":\"welcome_mail\",\"language\":\"NL\",\"content\":{\"first_name\":\"Zoë & co\"}}")
                .expect(200).json();
        assertThat(byName.get("template_name").asString()).isEqualTo("welcome_mail");
        assertThat(byName.get("subject").asString()).as("a subject is text: no HTML escaping").isEqualTo("Welkom Zoë & co");
        assertThat(byName.get("language").asString()).isEqualTo("NL");
        assertThat(byName.get("content").toString()).isEqualTo("{\"first_name\":\"Zoë & co\"}");
        JsonNode byId = post("/mail/v1/", ADMIN, "{\"recipients\":{\"to\":[\"ann@example.com\"]},"
                + "\"template_id\":\"" + v1 + "\",\"content\":{\"first_name\":\"Ann\",\"order_id\":7}}")
                .expect(200).json();
        assertThat(byId.get("template_id").asString()).isEqualTo(v1);
        assertThat(byId.get("subject").asString()).isEqualTo("Order 7 is ready");
        String hash = storedMail(byId.get("id").asString()).getString("tracking_hash");
        assertThat(byId.get("body").asString()).contains("/mail/v1/" + hash + "/open");

        post("/mail/v1/", ADMIN, "{\"recipients\":{\"to\":[\"a@example.com\"]},\"template_id\":\"" + v1
                + "\",\"content\":{\"order_id\":\"x\"}}").expectError(400, 1003);

        assertThat(worker.runOnce()).isEqualTo(2);
        List<ReceivedMail> received = TestSmtp.messages();
        assertThat(received).extracting(ReceivedMail::subject).containsExactly("Welkom Zoë & co", "Order 7 is ready");
        assertThat(received.get(0).html()).isEqualTo("<p>Hallo Zoë &amp; co</p>");
        assertThat(received.get(0).text()).isEqualTo("Hallo Zoë & co");
        assertThat(received.get(1).html()).contains("https://api.example.com/mail/v1/" + hash + "/open");
        assertThat(send("GET", "/mail/v1/" + hash + "/open", null, null, null, "application/json").raw())
                .isEqualTo("{\"affectedRecords\":1}");
    }

    @Test
    void aV2TemplateGoesBeforeAV1OfTheSameNameAndById() {
        post("/templates/v1/", ADMIN, json("{'name': 'shared_name', 'fields': {'subject': 'v1 $content.x',"
                + " 'body': 'v1 body'}}")).expect(200);
        String mail = "{'recipients': {'to': ['a@example.com']}, 'template_name': 'shared_name', 'content': {'x': 'X'}}";
        assertThat(post("/mail/v1/", ADMIN, json(mail)).expect(200).get("subject").asString()).isEqualTo("v1 X");
        String v2 = post("/templates/v2/", ADMIN, json("{'name': 'shared_name', 'outputs': {'subject':"
                + " 'v2 {{@inputs.x}}', 'body': 'v2 body'}}")).expect(200).get("id").asString();
        assertThat(post("/mail/v1/", ADMIN, json(mail)).expect(200).get("subject").asString()).isEqualTo("v2 X");
        JsonNode byId = post("/mail/v1/", ADMIN, json("{'recipients': {'to': ['a@example.com']}, 'template_id': '"
                + v2 + "', 'content': {'x': 'Y'}}")).expect(200).json();
        assertThat(byId.get("subject").asString()).isEqualTo("v2 Y");
        assertThat(byId.get("template_id").asString()).isEqualTo(v2);
        assertThat(worker.runOnce()).isEqualTo(3);
        assertThat(TestSmtp.messages()).extracting(ReceivedMail::subject).containsExactly("v1 X", "v2 X", "v2 Y");
    }

    @Test
    void hostileV2TemplatesFailSafelyWhenMailedAndQueueNothing() {
        post("/templates/v2/", ADMIN, json("""
                {'name': 'loops', 'outputs': {'subject': 's', 'body':
                 '{{#each @inputs.a}}{{#each @inputs.a}}{{#each @inputs.a}}{{/each}}{{/each}}{{/each}}'}}""")).expect(200);
        post("/templates/v2/", ADMIN, json("""
                {'name': 'grows', 'outputs': {'subject': 's', 'body':
                 '{{#each @inputs.a}}{{#each @inputs.a}}{{@inputs.s}}{{/each}}{{/each}}'}}""")).expect(200);
        post("/templates/v2/", ADMIN, json("""
                {'name': 'peeks', 'outputs': {'subject': '{{@inputs.s.class.name}}',
                 'body': '<p>{{@inputs.s.bytes}}{{@inputs.s.class.classLoader}}{{@inputs.class}}</p>'}}""")).expect(200);
        StringBuilder thousand = new StringBuilder("[0");
        for (int i = 1; i < 1000; i++) {
            thousand.append(',').append(i);
        }
        String a = thousand.append(']').toString();
        // 1,000³ iterations; then 1,000² × 40 characters, within the iteration budget but past the 2 MB of output
        post("/mail/v1/", ADMIN, "{\"recipients\":{\"to\":[\"a@example.com\"]},\"template_name\":\"loops\","
                + "\"content\":{\"a\":" + a + "}}").expectError(400, 1005);
        String three = a.substring(0, a.indexOf(",300"));
        post("/mail/v1/", ADMIN, "{\"recipients\":{\"to\":[\"a@example.com\"]},\"template_name\":\"grows\","
                + "\"content\":{\"a\":" + three + "],\"s\":\"" + "x".repeat(40) + "\"}}").expectError(400, 1005);
        assertThat(mongo.count(new org.springframework.data.mongodb.core.query.Query(), "mails")).isZero();

        JsonNode peeked = post("/mail/v1/", ADMIN, json("{'recipients': {'to': ['a@example.com']},"
                + " 'template_name': 'peeks', 'content': {'s': 'text'}}")).expect(200).json();
        assertThat(peeked.get("subject").asString()).isEmpty();
        assertThat(peeked.get("body").asString()).isEqualTo("<p></p>");
    }

    @TestFactory
    List<DynamicTest> badTemplateRequests() {
        record Case(String name, String method, String path, String token, String body, int status, int code) {
        }
        String unknown = new ObjectId().toHexString();
        List<Case> cases = List.of(
                new Case("v1 malformed JSON", "POST", "/templates/v1", ADMIN, "{", 400, 22),
                new Case("v1 empty body", "POST", "/templates/v1", ADMIN, null, 400, 13),
                new Case("v1 missing name", "POST", "/templates/v1", ADMIN, "{\"fields\":{}}", 400, 14),
                new Case("v1 missing fields", "POST", "/templates/v1", ADMIN, "{\"name\":\"x\"}", 400, 14),
                new Case("v1 name not a string", "POST", "/templates/v1", ADMIN, "{\"name\":1,\"fields\":{}}", 400, 15),
                new Case("v1 field not a string", "POST", "/templates/v1", ADMIN,
                        "{\"name\":\"x\",\"fields\":{\"a\":1}}", 400, 15),
                new Case("v1 schema type unknown", "POST", "/templates/v1", ADMIN,
                        "{\"name\":\"x\",\"fields\":{},\"schema\":{\"fields\":{\"a\":{\"type\":\"blob\"}}}}", 400, 15),
                new Case("v1 localizations malformed", "POST", "/templates/v1", ADMIN,
                        "{\"name\":\"x\",\"fields\":{},\"localizations\":{\"k\":\"text\"}}", 400, 15),
                new Case("v1 update invalid id", "PUT", "/templates/v1/xyz", ADMIN, "{}", 400, 12),
                new Case("v1 update unknown id", "PUT", "/templates/v1/" + unknown, ADMIN, "{}", 404, 16),
                new Case("v1 delete invalid id", "DELETE", "/templates/v1/xyz", ADMIN, null, 400, 12),
                new Case("v1 resolve invalid id", "POST", "/templates/v1/xyz/resolve", ADMIN, "{\"content\":{}}", 400, 12),
                new Case("v1 invalid RQL", "GET", "/templates/v1/?eq(name", ADMIN, null, 400, 19),
                new Case("v1 list without VIEW_TEMPLATES", "GET", "/templates/v1/", NOBODY, null, 401, 10),
                new Case("v1 create without CREATE_TEMPLATES", "POST", "/templates/v1", NOBODY,
                        "{\"name\":\"x\",\"fields\":{}}", 401, 10),
                new Case("v1 update without UPDATE_TEMPLATES", "PUT", "/templates/v1/" + unknown, NOBODY, "{}", 401, 10),
                new Case("v1 delete without DELETE_TEMPLATES", "DELETE", "/templates/v1/" + unknown, NOBODY, null,
                        401, 10),
                new Case("v1 anonymous list", "GET", "/templates/v1/", null, null, 401, 104),
                new Case("v2 malformed JSON", "POST", "/templates/v2", ADMIN, "{\"name\":", 400, 22),
                new Case("v2 missing outputs", "POST", "/templates/v2", ADMIN, "{\"name\":\"x\"}", 400, 14),
                new Case("v2 outputs not an object", "POST", "/templates/v2", ADMIN,
                        "{\"name\":\"x\",\"outputs\":[]}", 400, 15),
                new Case("v2 bad input type", "POST", "/templates/v2", ADMIN,
                        "{\"name\":\"x\",\"outputs\":{},\"inputs\":{\"a\":{\"type\":\"date\"}}}", 400, 15),
                new Case("v2 array without items", "POST", "/templates/v2", ADMIN,
                        "{\"name\":\"x\",\"outputs\":{},\"inputs\":{\"a\":{\"type\":\"array\"}}}", 400, 14),
                new Case("v2 syntax error", "POST", "/templates/v2", ADMIN,
                        "{\"name\":\"x\",\"outputs\":{\"b\":\"{{#each @inputs.a}}\"}}", 400, 1004),
                new Case("v2 name with a slash", "POST", "/templates/v2", ADMIN,
                        "{\"name\":\"a/b\",\"outputs\":{}}", 400, 15),
                new Case("v2 update unknown", "PUT", "/templates/v2/" + unknown, ADMIN, "{}", 404, 16),
                new Case("v2 list without VIEW_TEMPLATES", "GET", "/templates/v2", NOBODY, null, 401, 10),
                new Case("v2 create without CREATE_TEMPLATES", "POST", "/templates/v2", NOBODY, "{}", 401, 10),
                new Case("v2 delete without DELETE_TEMPLATES", "DELETE", "/templates/v2/x", NOBODY, null, 401, 10));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                send(c.method(), c.path(), c.token(), c.body(), "application/json", null)
                        .expectError(c.status(), c.code()))).toList();
    }

    @Test
    void templatesV1ResolveAsPdf() {
        String id = post("/templates/v1/", ADMIN, json("{'name': 'report', 'fields': {'body':"
                + " '<h1>Report for $content.name</h1><p>Line<br>break &amp; <img src=https://127.0.0.1:1/x.png></p>'}}"))
                .expect(200).get("id").asString();
        for (String path : List.of("/pdf", "/pdf/NL")) {
            Response pdf = post("/templates/v1/" + id + path, NOBODY, json("{'content': {'name': 'Zoë'}}"));
            pdf.expect(200);
            assertThat(pdf.contentType()).isEqualTo("application/pdf");
            assertThat(new String(pdf.bytes(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        }
        post("/templates/v1/" + new ObjectId() + "/pdf", NOBODY, json("{'content': {}}")).expectError(404, 16);
        post("/templates/v1/" + id + "/pdf", null, json("{'content': {}}")).expectError(401, 104);
    }

    @Test
    void healthOfEveryPrefix() {
        get("/templates/v1/health", null).expect(200);
        get("/templates/v2/health", null).expect(200);
        get("/mail/v1/health", null).expect(200);
    }
}
