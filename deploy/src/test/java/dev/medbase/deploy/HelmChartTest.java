package dev.medbase.deploy;

import static dev.medbase.deploy.ModuleConfig.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart's structure, without helm (CI has none, and Debian does not package it): Chart.yaml, a values entry
 * per runnable module matching its port, health path and database, every {@code .Values} path the templates use
 * present in values.yaml, the environment variables the chart sets read by the modules, and balanced template
 * actions.
 */
class HelmChartTest {

    static final Path CHART = ModuleConfig.ROOT.resolve("deploy/helm/medbase");
    private static final Pattern VALUES_PATH = Pattern.compile("\\$?\\.Values((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)");
    private static final Pattern SVC_FIELD = Pattern.compile("\\$svc\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern OPENERS = Pattern.compile("\\{\\{-?\\s*(if|range|with|define)\\b");
    private static final Pattern ENDS = Pattern.compile("\\{\\{-?\\s*end\\s*-?}}");
    private static final Pattern SECRET_KEY = Pattern.compile("(?m)^  ([a-z0-9-]+|\\{\\{ \\$module }}-mongodb-uri):");

    static Map<String, Object> values;
    static Map<String, Object> services;
    static Map<String, ModuleConfig> modules;
    static Map<String, String> templates;

    @BeforeAll
    static void load() throws IOException {
        values = ModuleConfig.yaml(CHART.resolve("values.yaml"));
        services = map(values.get("services"));
        modules = new LinkedHashMap<>();
        ModuleConfig.runnableModules().forEach(m -> modules.put(m, ModuleConfig.load(m)));
        templates = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
            for (Path f : files.sorted().toList()) {
                templates.put(f.getFileName().toString(), Files.readString(f));
            }
        }
    }

    @Test
    void chartYamlDescribesTheChart() {
        Map<String, Object> chart = ModuleConfig.yaml(CHART.resolve("Chart.yaml"));
        assertThat(chart.get("apiVersion")).isEqualTo("v2");
        assertThat(chart.get("name")).isEqualTo("medbase");
        assertThat(chart.get("type")).isEqualTo("application");
        assertThat(String.valueOf(chart.get("version"))).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
        assertThat(String.valueOf(chart.get("description"))).isNotBlank();
        assertThat(chart.get("appVersion")).as("appVersion is the project's version (the image tag)")
                .isEqualTo(ComposeFileTest.projectVersion());
    }

    @Test
    void everyRunnableModuleHasAnEntryMatchingItsConfiguration() {
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(modules.keySet());
        Map<String, String> shortNames = ComposeFileTest.shortNames();
        SoftAssertions soft = new SoftAssertions();
        modules.forEach((m, config) -> {
            Map<String, Object> svc = map(services.get(m));
            soft.assertThat(svc.get("port")).as("%s port", m).isEqualTo(config.serverPort());
            if (config.prefix() != null) {
                soft.assertThat(svc.get("healthPath")).as("%s healthPath", m).isEqualTo(config.healthPath());
                soft.assertThat(shortNames.get(String.valueOf(svc.get("shortName"))))
                        .as("%s shortName (MEDBASE_SERVICES_<shortName>)", m).isEqualTo(m);
            } else {
                soft.assertThat(String.valueOf(svc.get("healthPath"))).as("%s healthPath", m)
                        .startsWith(config.healthPath());
            }
            soft.assertThat(svc.get("database")).as("%s database (as in the devstack)", m)
                    .isEqualTo(config.database());
        });
        soft.assertAll();
    }

    @Test
    void templatesMakeADeploymentAndServicePerEntryAndExposeOnlyTheGateway() {
        assertThat(templates).containsKeys("_helpers.tpl", "deployment.yaml", "service.yaml", "ingress.yaml",
                "hpa.yaml", "configmap.yaml", "secret.yaml");
        for (String t : new String[] {"deployment.yaml", "service.yaml", "hpa.yaml"}) {
            assertThat(templates.get(t)).as(t).contains("range $module, $svc := .Values.services");
        }
        assertThat(templates.get("deployment.yaml")).contains("kind: Deployment").contains("readinessProbe:")
                .contains("path: {{ $svc.healthPath }}").contains("livenessProbe:").contains("resources:");
        assertThat(templates.get("service.yaml")).contains("kind: Service");
        assertThat(templates.get("hpa.yaml")).contains("kind: HorizontalPodAutoscaler");
        assertThat(templates.get("ingress.yaml")).contains("kind: Ingress").contains("\"module\" \"gateway\"");
        assertThat(templates.get("configmap.yaml")).contains("kind: ConfigMap");
        assertThat(templates.get("secret.yaml")).contains("kind: Secret");
    }

    @Test
    void everyValuesPathTheTemplatesUseExists() {
        SoftAssertions soft = new SoftAssertions();
        Set<String> serviceFields = new TreeSet<>(values.keySet());
        services.values().forEach(s -> serviceFields.addAll(map(s).keySet()));
        Map<String, String> texts = new LinkedHashMap<>(templates);
        texts.put("values.yaml", ModuleConfig.read(CHART.resolve("values.yaml"))); // its env values are templates too
        texts.forEach((name, text) -> {
            Matcher m = VALUES_PATH.matcher(text);
            while (m.find()) {
                Object node = values;
                for (String key : m.group(1).substring(1).split("\\.")) {
                    soft.assertThat(map(node)).as("%s uses .Values%s", name, m.group(1)).containsKey(key);
                    node = map(node).get(key);
                }
            }
            Matcher f = SVC_FIELD.matcher(text);
            while (f.find()) {
                soft.assertThat(serviceFields).as("%s uses $svc.%s", name, f.group(1)).contains(f.group(1));
            }
        });
        soft.assertAll();
    }

    @Test
    void templateActionsAreBalanced() {
        SoftAssertions soft = new SoftAssertions();
        templates.forEach((name, text) -> {
            soft.assertThat(count(text, Pattern.compile("\\{\\{"))).as("%s {{ vs }}", name)
                    .isEqualTo(count(text, Pattern.compile("}}")));
            soft.assertThat(count(text, OPENERS)).as("%s if/range/with/define vs end", name)
                    .isEqualTo(count(text, ENDS));
        });
        soft.assertAll();
    }

    /** The variables the chart sets are ones the modules read (per service), or shared ones some module reads. */
    @Test
    void environmentVariablesAreOnesTheModulesRead() {
        SoftAssertions soft = new SoftAssertions();
        Set<String> secretKeys = new TreeSet<>();
        Matcher k = SECRET_KEY.matcher(templates.get("secret.yaml"));
        while (k.find()) {
            secretKeys.add(k.group(1));
        }
        modules.forEach((m, config) -> {
            Map<String, Object> svc = map(services.get(m));
            soft.assertThat(config.accepts("SERVER_PORT")).as("%s SERVER_PORT", m).isTrue();
            if (svc.get("database") != null) {
                soft.assertThat(config.accepts("SPRING_MONGODB_URI")).as("%s SPRING_MONGODB_URI", m).isTrue();
            }
            map(svc.get("env")).keySet().forEach(v ->
                    soft.assertThat(config.accepts(v)).as("%s env %s", m, v).isTrue());
            map(svc.get("secretEnv")).forEach((v, key) -> {
                soft.assertThat(config.accepts(v)).as("%s secretEnv %s", m, v).isTrue();
                soft.assertThat(secretKeys).as("%s secretEnv %s → Secret key", m, v).contains(String.valueOf(key));
            });
        });
        // The ConfigMap goes to every pod: each variable must be read by some module (or be Boot's own).
        Set<String> shared = new TreeSet<>(Set.of("SPRING_KAFKA_BOOTSTRAP_SERVERS"));
        services.values().forEach(s -> {
            if (map(s).get("shortName") != null) {
                shared.add("MEDBASE_SERVICES_" + String.valueOf(map(s).get("shortName")).toUpperCase());
            }
        });
        shared.addAll(map(values.get("extraEnv")).keySet());
        shared.forEach(v -> soft.assertThat(ModuleConfig.isBootProperty(v)
                        || modules.values().stream().anyMatch(c -> c.accepts(v)))
                .as("ConfigMap %s", v).isTrue());
        assertThat(templates.get("configmap.yaml")).contains("SPRING_KAFKA_BOOTSTRAP_SERVERS")
                .contains("MEDBASE_SERVICES_{{ $svc.shortName | upper }}");
        soft.assertAll();
    }

    @Test
    void mongoConnectionStringIsPerDatabaseAndKafkaIsGiven() {
        String uri = String.valueOf(map(values.get("mongodb")).get("uri"));
        assertThat(uri).contains("{database}").contains("replicaSet=");
        assertThat(URI.create(uri.replace("{database}", "medbase-users")).getScheme()).isEqualTo("mongodb");
        assertThat(String.valueOf(map(values.get("kafka")).get("bootstrapServers"))).isNotBlank();
        assertThat(map(values.get("bootstrap"))).containsKeys("adminEmail", "adminPassword", "clientId",
                "clientSecret");
        assertThat(templates.get("secret.yaml")).contains("required \"bootstrap.adminPassword is required\"")
                .contains("required \"bootstrap.clientSecret is required\"");
    }

    private static long count(String text, Pattern p) {
        return p.matcher(text).results().count();
    }
}
