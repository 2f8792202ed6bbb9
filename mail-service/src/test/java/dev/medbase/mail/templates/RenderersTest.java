package dev.medbase.mail.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.medbase.mail.MailProperties;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** Both template engines, directly: the syntax Extra Horizon documents, and hostile templates that must fail safely. */
class RenderersTest {

    static final MailProperties PROPERTIES = new MailProperties("x@y.z", 50, DataSize.ofMegabytes(10), 10,
            new MailProperties.Delivery(false, 1, Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofSeconds(5),
                    Duration.ofMinutes(10), Duration.ofDays(3)),
            new MailProperties.Templates(DataSize.ofKilobytes(256), DataSize.ofKilobytes(64), 10_000,
                    Duration.ofSeconds(2)),
            new MailProperties.UserMails("", ""));

    final VelocityRenderer velocity = new VelocityRenderer(PROPERTIES);
    final HandlebarsRenderer handlebars = new HandlebarsRenderer(PROPERTIES);

    // ------------------------------------------------------------------ Velocity (v1)

    Map<String, String> v1(String field, Map<String, Object> content) {
        velocity.check(Map.of("f", field));
        return velocity.render(Map.of("f", field), content, "EN", LOCALIZATIONS);
    }

    static final Map<String, Map<String, String>> LOCALIZATIONS = Map.of(
            "greeting", Map.of("EN", "Hello $1 $2", "NL", "Hallo $1 $2"),
            "plain", Map.of("EN", "Just text"));

    @Test
    void velocityResolvesContentConditionsLoopsAndLocalizations() {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("first_name", "Jöhn");
        content.put("order_id", 12);
        content.put("vip", true);
        content.put("items", List.of("a", "b", "c"));
        assertThat(v1("Order $content.order_id for $content.first_name", content).get("f"))
                .isEqualTo("Order 12 for Jöhn");
        assertThat(v1("#if($content.vip)VIP#{else}regular#end", content).get("f")).isEqualTo("VIP");
        assertThat(v1("#foreach($i in $content.items)$i#if($foreach.hasNext),#end#end", content).get("f"))
                .isEqualTo("a,b,c");
        assertThat(v1("{{greeting,$content.first_name,Doe}}", content).get("f")).isEqualTo("Hello Jöhn Doe");
        assertThat(velocity.render(Map.of("f", "{{greeting, $content.first_name, X}} {{plain}}"), content, "nl-BE",
                LOCALIZATIONS).get("f")).isEqualTo("Hallo Jöhn X Just text");
        assertThat(v1("$content.first_name.toUpperCase() $content.items.size()", content).get("f"))
                .isEqualTo("JÖHN 3");
        assertThat(v1("#set($n = $content.order_id * 2)$n", content).get("f")).isEqualTo("24");
    }

    @Test
    void velocityMissingLocalizationIs1002() {
        assertThatThrownBy(() -> v1("{{nope,$content.a}}", Map.of("a", 1)))
                .isInstanceOfSatisfying(ExhException.class,
                        e -> assertThat(e.error()).isEqualTo(ExhError.LOCALIZATION_KEY_MISSING_EXCEPTION));
    }

    @Test
    void velocityRefusesClassAccessAndReflection() {
        Map<String, Object> content = Map.of("s", "text");
        for (String hostile : List.of("$content.getClass()", "$content.s.getClass().forName('java.lang.Runtime')",
                "$content.class", "$content.s.class.classLoader", "#set($c = $content.s.getClass())$c")) {
            // not resolved: Velocity leaves a reference it may not evaluate as it was written
            String out = v1(hostile, content).get("f");
            assertThat(out).as(hostile).doesNotContain("class java").doesNotContain("ClassLoader@")
                    .doesNotContain("java.lang.String");
        }
    }

    @Test
    void velocityRefusesStringBuildersThatCouldExhaustMemory() {
        Map<String, String> out = v1("$content.s.repeat(1000000000)$content.s.replace('x', 'yy')$content.s.concat('z')",
                Map.of("s", "x"));
        assertThat(out.get("f")).contains("$content.s.repeat").hasSizeLessThan(200);
    }

    @Test
    void velocityDirectivesOutsideTheSandboxAreSyntaxErrors() {
        for (String hostile : List.of("#include('/etc/passwd')", "#parse('x.vm')", "#evaluate('$x')",
                "#define($d)x#end", "#macro(m)#m()#end#m()", "#set($l = [1, 2, 3])", "#set($m = {'a': 1})",
                "#set($a = 'x' + 'y')", "#if($content.a")) {
            assertThatThrownBy(() -> velocity.check(Map.of("f", hostile))).as(hostile)
                    .isInstanceOfSatisfying(ExhException.class,
                            e -> assertThat(e.error()).isEqualTo(ExhError.TEMPLATE_SYNTAX_EXCEPTION));
        }
    }

    @Test
    void velocityLoopBombsRunOutOfBudget() {
        for (String bomb : List.of(
                "#foreach($i in [1..2000000000])#end",
                "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end",
                "#foreach($i in [1..100000])xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx#end",
                "#set($a = 'xxxxxxxxxx')#foreach($i in [1..60])#set($a = \"$a$a\")#end$a.length()")) {
            assertThatThrownBy(() -> v1(bomb, Map.of())).as(bomb)
                    .isInstanceOfSatisfying(ExhException.class,
                            e -> assertThat(e.error()).isEqualTo(ExhError.TEMPLATE_RESOLVING_EXCEPTION));
        }
    }

    @Test
    void velocityBigContentRenderedManyTimesRunsOutOfBudget() {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add("x".repeat(100));
        }
        assertThatThrownBy(() -> v1("#foreach($a in $content.items)$content.items#end", Map.of("items", items)))
                .isInstanceOfSatisfying(ExhException.class,
                        e -> assertThat(e.error()).isEqualTo(ExhError.TEMPLATE_RESOLVING_EXCEPTION));
    }

    // ------------------------------------------------------------------ Handlebars (v2)

    Map<String, String> v2(String output, Map<String, Object> inputs) {
        handlebars.check(Map.of("o", output));
        return handlebars.render(Map.of("o", output), inputs, "EN", V2_LOCALIZATIONS);
    }

    static final Map<String, Map<String, String>> V2_LOCALIZATIONS = Map.of(
            "welcome", Map.of("EN", "Welcome {{name}}!", "FR", "Bienvenue {{name}} !"),
            "html", Map.of("EN", "<b>bold</b>"));

    @Test
    void handlebarsResolvesInputsConditionsLoopsAndLocalizations() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("first_name", "Zoë <3");
        inputs.put("enabled", true);
        inputs.put("items", List.of(Map.of("n", 1), Map.of("n", 2)));
        assertThat(v2("hello {{@inputs.first_name}}", inputs).get("o")).isEqualTo("hello Zoë &lt;3");
        assertThat(v2("{{{@inputs.first_name}}}", inputs).get("o")).isEqualTo("Zoë <3");
        assertThat(v2("{{#if @inputs.enabled}}on{{else}}off{{/if}}", inputs).get("o")).isEqualTo("on");
        assertThat(v2("{{#each @inputs.items}}[{{@index}}:{{n}}]{{/each}}", inputs).get("o")).isEqualTo("[0:1][1:2]");
        assertThat(v2("{{t 'welcome' name=@inputs.first_name}}", inputs).get("o"))
                .isEqualTo("Welcome Zoë &lt;3!");
        assertThat(v2("{{{t 'welcome' name=@inputs.first_name}}}", inputs).get("o")).isEqualTo("Welcome Zoë &lt;3!");
        assertThat(handlebars.render(Map.of("o", "{{{t 'welcome' name='Ann'}}}"), inputs, "fr", V2_LOCALIZATIONS)
                .get("o")).isEqualTo("Bienvenue Ann !");
        assertThat(v2("{{{t 'html'}}}", inputs).get("o")).isEqualTo("<b>bold</b>");
    }

    @Test
    void handlebarsMissingLocalizationIs1002AndSyntaxErrorsAre1004() {
        assertThatThrownBy(() -> v2("{{t 'missing'}}", Map.of())).isInstanceOfSatisfying(ExhException.class,
                e -> assertThat(e.error()).isEqualTo(ExhError.LOCALIZATION_KEY_MISSING_EXCEPTION));
        for (String broken : List.of("{{#if @inputs.a}}never closed", "{{", "{{#each}}{{/if}}")) {
            assertThatThrownBy(() -> handlebars.check(Map.of("o", broken))).as(broken)
                    .isInstanceOfSatisfying(ExhException.class,
                            e -> assertThat(e.error()).isEqualTo(ExhError.TEMPLATE_SYNTAX_EXCEPTION));
        }
    }

    @Test
    void handlebarsHasNoBeanAccessPartialsOrFileHelpers() {
        Map<String, Object> inputs = Map.of("s", "text");
        assertThat(v2("{{@inputs.s.class}}{{@inputs.s.bytes}}{{@inputs.class.name}}", inputs).get("o")).isEmpty();
        for (String hostile : List.of("{{> ../application}}", "{{embedded 'x'}}", "{{i18n 'x'}}",
                "{{log 'spam'}}", "{{precompile 'x'}}",
                "{{#*inline \"loop\"}}{{> loop}}{{/inline}}{{> loop}}")) {
            assertThatThrownBy(() -> v2(hostile, inputs)).as(hostile).isInstanceOf(ExhException.class);
        }
    }

    @Test
    void handlebarsLoopAndOutputBombsRunOutOfBudget() {
        List<Object> big = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            big.add(i);
        }
        Map<String, Object> inputs = Map.of("a", big);
        for (String bomb : List.of(
                "{{#each @inputs.a}}{{#each @inputs.a}}{{#each @inputs.a}}{{/each}}{{/each}}{{/each}}",
                "{{#each @inputs.a}}{{#each @inputs.a}}{{/each}}{{/each}}",
                "{{#each @inputs.a}}{{#each @inputs.a}}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{{/each}}{{/each}}")) {
            assertThatThrownBy(() -> v2(bomb, inputs)).as(bomb)
                    .isInstanceOfSatisfying(ExhException.class,
                            e -> assertThat(e.error()).isEqualTo(ExhError.TEMPLATE_RESOLVING_EXCEPTION));
        }
    }

    @Test
    void declaredInputsAreTypeChecked() {
        Map<String, Object> declared = Map.of("age", Map.of("type", "number"),
                "tags", Map.of("type", "array", "items", Map.of("type", "string")),
                "who", Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string"))));
        TypeChecks.checkV2Inputs(declared);
        TypeChecks.checkV2Inputs(declared, Map.of("age", 3, "tags", List.of("a"), "who", Map.of("name", "x"),
                "undeclared", "fine"));
        TypeChecks.checkV2Inputs(declared, Map.of());
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("age", "3"), Map.of("tags", List.of(1)),
                Map.of("who", Map.of("name", false)), Map.of("tags", "a"))) {
            assertThatThrownBy(() -> TypeChecks.checkV2Inputs(declared, bad)).as(bad.toString())
                    .isInstanceOfSatisfying(ExhException.class,
                            e -> assertThat(e.error()).isEqualTo(ExhError.TEMPLATE_FILLING_EXCEPTION));
        }
        assertThatThrownBy(() -> TypeChecks.checkV2Inputs(Map.of("x", Map.of("type", "date"))))
                .isInstanceOfSatisfying(ExhException.class,
                        e -> assertThat(e.error()).isEqualTo(ExhError.FIELD_FORMAT_EXCEPTION));
    }
}
