package dev.medbase.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * docs/configuration.md lists every {@code medbase.*} property the modules declare and every variable
 * docker-compose.yml reads, between generated markers, so it cannot drift: this test rebuilds both tables from the
 * modules and fails if the file differs. Descriptions come from the properties' Javadoc (configuration metadata);
 * where there is none, the one written in the file is kept. To rewrite the tables after a change:
 * <pre>
 * ./mvnw -o -q -B -pl deploy -am test -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmedbase.docs.update=true
 * </pre>
 */
class ConfigurationReferenceTest {

    static final Path DOC = ModuleConfig.ROOT.resolve("docs/configuration.md");
    private static final String PLATFORM = "every service (platform)";
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\|.*\\| ([^|]*) \\|$");
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*):(.*)}$");
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:?[-?])?([^}]*)}");

    @Test
    void propertiesTableListsEveryMedbaseProperty() throws IOException {
        check("properties", propertiesTable(descriptions("properties")));
    }

    @Test
    void composeTableListsEveryVariableOfTheComposeFile() throws IOException {
        check("compose", composeTable(descriptions("compose")));
    }

    private static void check(String table, String expected) throws IOException {
        String doc = Files.readString(DOC);
        String begin = "<!-- BEGIN GENERATED " + table + " -->\n";
        String end = "<!-- END GENERATED " + table + " -->";
        int from = doc.indexOf(begin);
        int to = doc.indexOf(end);
        assertThat(from).as("%s has the markers of the %s table", DOC, table).isNotNegative();
        assertThat(to).isGreaterThan(from);
        String actual = doc.substring(from + begin.length(), to);
        if (Boolean.getBoolean("medbase.docs.update") && !actual.equals(expected)) {
            Files.writeString(DOC, doc.substring(0, from + begin.length()) + expected + doc.substring(to));
            return;
        }
        assertThat(actual).as("the %s table of docs/configuration.md is out of date; rewrite it with -Dmedbase.docs"
                + ".update=true (see ConfigurationReferenceTest)", table).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- medbase.* properties

    private record Declared(Set<String> modules, Set<String> defaults, Set<String> variables, String description) {
    }

    static String propertiesTable(Map<String, String> written) {
        ModuleConfig platform = ModuleConfig.load("platform");
        Map<String, Declared> rows = new TreeMap<>();
        List<ModuleConfig> configs = new ArrayList<>(List.of(platform));
        ModuleConfig.runnableModules().forEach(m -> configs.add(ModuleConfig.load(m)));
        for (ModuleConfig c : configs) {
            for (String p : c.ownProperties()) {
                if (!p.startsWith("medbase.")) {
                    continue;
                }
                String name = c.mapProperties().contains(p) ? p + ".*" : p;
                Declared d = rows.computeIfAbsent(name, k -> new Declared(new LinkedHashSet<>(), new TreeSet<>(),
                        new LinkedHashSet<>(List.of(ModuleConfig.environmentName(p) + (k.endsWith(".*") ? "_*" : ""))),
                        description(c.metadata().get(p))));
                d.modules().add(c == platform ? PLATFORM : c.module());
                String value = c.value(p) != null ? c.value(p) : c == platform && platform.application().containsKey(p)
                        ? String.valueOf(platform.application().get(p)) : defaultOf(c, p);
                if (value != null) {
                    Matcher env = ENV_PLACEHOLDER.matcher(value);
                    if (env.matches()) {
                        d.variables().add(env.group(1));
                        value = env.group(2);
                    }
                    d.defaults().add(value);
                }
            }
        }
        StringBuilder out = new StringBuilder("| property | environment variable | default | set in | description |\n"
                + "| --- | --- | --- | --- | --- |\n");
        rows.forEach((name, d) -> {
            String description = !d.description().isEmpty() ? d.description() : written.getOrDefault(name, "");
            out.append("| `").append(name).append("` | ")
                    .append(String.join(" or ", d.variables().stream().map(v -> "`" + v + "`").toList())).append(" | ")
                    .append(defaultCell(d.defaults())).append(" | ")
                    .append(String.join(", ", d.modules())).append(" | ")
                    .append(description).append(" |\n");
        });
        return out.toString();
    }

    private static String defaultOf(ModuleConfig c, String property) {
        JsonNode meta = c.metadata().get(property);
        if (meta != null && meta.has("defaultValue")) {
            JsonNode v = meta.get("defaultValue");
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(i -> items.add(i.asString()));
                return String.join(",", items);
            }
            return v.asString();
        }
        return c.placeholderDefaults().get(property);
    }

    private static String defaultCell(Collection<String> defaults) {
        if (defaults.isEmpty()) {
            return "";
        }
        if (defaults.size() > 1) {
            return "per service";
        }
        String v = defaults.iterator().next();
        if (v.startsWith("[") && v.endsWith("]")) {
            return "a list (see the module's application.yml)";
        }
        return v.isEmpty() ? "(empty)" : "`" + v.replace("|", "\\|") + "`";
    }

    private static String description(JsonNode meta) {
        if (meta == null || !meta.has("description")) {
            return "";
        }
        return meta.get("description").asString().replaceAll("\\{@(?:code|link) ((?:[^{}]|\\{[^{}]*})*)}", "`$1`")
                .replaceAll("\\s+", " ").replace("|", "\\|").trim();
    }

    // ---------------------------------------------------------------- docker compose variables

    static String composeTable(Map<String, String> written) {
        Map<String, String> defaults = new TreeMap<>();
        Map<String, Set<String>> usedBy = new TreeMap<>();
        Map<String, Object> services = ModuleConfig.map(ModuleConfig.yaml(ComposeFileTest.COMPOSE).get("services"));
        services.forEach((service, spec) -> {
            Matcher m = COMPOSE_VARIABLE.matcher(new org.yaml.snakeyaml.Yaml().dump(spec));
            while (m.find()) {
                usedBy.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(service);
                String operator = m.group(2) == null ? "" : m.group(2);
                defaults.putIfAbsent(m.group(1), operator.endsWith("-") ? m.group(3)
                        : operator.endsWith("?") ? "required (.env)" : "");
            }
        });
        StringBuilder out = new StringBuilder("| variable | default | used by | description |\n"
                + "| --- | --- | --- | --- |\n");
        usedBy.forEach((variable, users) -> out.append("| `").append(variable).append("` | ")
                .append(defaults.get(variable).isEmpty() ? "" : defaults.get(variable).startsWith("required")
                        ? defaults.get(variable) : "`" + defaults.get(variable).replace("|", "\\|") + "`")
                .append(" | ").append(String.join(", ", users)).append(" | ")
                .append(written.getOrDefault(variable, "")).append(" |\n"));
        return out.toString();
    }

    /** The descriptions written in the file's table, by its first column. */
    private static Map<String, String> descriptions(String table) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(DOC)) {
            return out;
        }
        String doc = Files.readString(DOC);
        int from = doc.indexOf("<!-- BEGIN GENERATED " + table + " -->");
        int to = doc.indexOf("<!-- END GENERATED " + table + " -->");
        if (from < 0 || to < from) {
            return out;
        }
        Matcher row = ROW.matcher(doc.substring(from, to));
        while (row.find()) {
            out.put(row.group(1), row.group(2).trim());
        }
        return out;
    }
}
