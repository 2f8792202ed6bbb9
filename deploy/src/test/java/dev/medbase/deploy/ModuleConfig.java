package dev.medbase.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one Maven module declares as configuration, read statically: the keys of its
 * {@code application*.yml|properties}, its {@code @ConfigurationProperties} (from the metadata Boot's configuration
 * processor writes to {@code target/classes/META-INF/spring-configuration-metadata.json}), the names in
 * {@code @Value} and {@code @ConditionalOnProperty}, and the environment variables its files name directly
 * ({@code ${MEDBASE_CLIENT_ID:}}); a module using {@code platform} also declares platform's.
 *
 * @param module        Maven module name, e.g. {@code user-service}
 * @param application   the flattened keys and values of the module's own application files
 * @param properties    every property name it declares, its own and platform's (map properties as their prefix)
 * @param ownProperties the ones the module's own files declare
 * @param mapProperties properties of type Map, whose keys are free ({@code medbase.tasks.function-environment})
 * @param variables     environment variables named directly by a placeholder
 * @param metadata      configuration-processor metadata by property name (description, default)
 * @param placeholderDefaults defaults given in placeholders ({@code @Value("${medbase.x:2s}")}) by property name
 */
record ModuleConfig(String module, Map<String, Object> application, Set<String> properties,
                    Set<String> ownProperties, Set<String> mapProperties, Set<String> variables,
                    Map<String, JsonNode> metadata, Map<String, String> placeholderDefaults) {

    static final Path ROOT = Path.of(System.getProperty("medbase.root", "..")).toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-\\[\\]]+)(?::([^}]*))?}");
    private static final Pattern VALUE = Pattern.compile("@Value\\(\"([^\"]*)\"\\)");
    private static final Pattern CONDITION = Pattern.compile("@ConditionalOnProperty\\(([^)]*)\\)");
    private static final Pattern ATTRIBUTE = Pattern.compile("(prefix|name|value)\\s*=\\s*\"([^\"]+)\"|^\\s*\"([^\"]+)\"");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    /** Spring Boot's own properties, from the metadata in its jars on this test classpath. */
    static final Map<String, JsonNode> BOOT = new TreeMap<>();
    static final Set<String> BOOT_MAPS = new TreeSet<>();

    static {
        try {
            var resources = ModuleConfig.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json");
            while (resources.hasMoreElements()) {
                try (var in = resources.nextElement().openStream()) {
                    for (JsonNode p : JSON.readTree(in).path("properties")) {
                        BOOT.put(p.path("name").asString(), p);
                        if (p.path("type").asString("").startsWith("java.util.Map")) {
                            BOOT_MAPS.add(p.path("name").asString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The modules of the root pom, in reactor order. */
    static List<String> modules() {
        Matcher m = MODULE.matcher(read(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    /** The modules that run as a program of their own: the services and the gateway (they have an application.yml). */
    static List<String> runnableModules() {
        return modules().stream()
                .filter(m -> Files.isRegularFile(ROOT.resolve(m).resolve("src/main/resources/application.yml")))
                .toList();
    }

    private static final Map<String, ModuleConfig> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    static ModuleConfig load(String module) {
        return LOADED.computeIfAbsent(module, ModuleConfig::parse);
    }

    private static ModuleConfig parse(String module) {
        Map<String, Object> application = new TreeMap<>();
        Set<String> properties = new TreeSet<>();
        Set<String> maps = new TreeSet<>();
        Set<String> variables = new TreeSet<>();
        Map<String, JsonNode> metadata = new TreeMap<>();
        Set<String> own = new TreeSet<>();
        Map<String, String> defaults = new TreeMap<>();
        List<String> parts = new ArrayList<>(List.of(module));
        if (!module.equals("platform") && read(ROOT.resolve(module).resolve("pom.xml"))
                .contains("<artifactId>platform</artifactId>")) {
            parts.add("platform");
        }
        for (String part : parts) {
            Path dir = ROOT.resolve(part);
            Set<String> declared = new TreeSet<>();
            Map<String, Object> files = applicationFiles(dir.resolve("src/main/resources"), part.equals("platform"));
            if (part.equals(module)) {
                application.putAll(files);
            }
            files.forEach((key, value) -> {
                declared.add(key);
                placeholders(String.valueOf(value), declared, variables, defaults);
            });
            readMetadata(dir, declared, maps, metadata);
            scanSources(dir.resolve("src/main/java"), declared, variables, defaults);
            properties.addAll(declared);
            if (part.equals(module)) {
                own.addAll(declared);
            }
        }
        return new ModuleConfig(module, application, properties, own, maps, variables, metadata, defaults);
    }

    /**
     * Whether setting {@code variable} in this module's environment reaches a property or placeholder it reads: one it
     * declares, or a Spring Boot property of a group its application files configure (SPRING_MAIL_USERNAME for a
     * module that sets {@code spring.mail.host}).
     */
    boolean accepts(String variable) {
        if (variables.contains(variable) || matches(variable, properties, mapProperties)) {
            return true;
        }
        return BOOT.keySet().stream()
                .filter(p -> matches(variable, Set.of(p), BOOT_MAPS))
                .anyMatch(p -> application.keySet().stream().anyMatch(k -> k.startsWith(group(p) + ".")));
    }

    /** Whether {@code variable} sets a property Spring Boot itself declares (logging.*, spring.*, server.*, …). */
    static boolean isBootProperty(String variable) {
        return matches(variable, BOOT.keySet(), BOOT_MAPS);
    }

    private static boolean matches(String variable, Collection<String> properties, Collection<String> maps) {
        return properties.stream().anyMatch(p -> variable.equals(environmentName(p)))
                || maps.stream().anyMatch(p -> variable.startsWith(environmentName(p) + "_"));
    }

    /** {@code spring.mail.username} → {@code spring.mail}. */
    private static String group(String property) {
        String[] parts = property.split("\\.");
        return parts.length < 3 ? property : parts[0] + "." + parts[1];
    }

    /**
     * The environment variable of a property: dots and dashes to underscores, upper case. Both Boot's binder and
     * {@code @Value}'s placeholder resolution find it (the dash-less form works for the binder only).
     */
    static String environmentName(String property) {
        return property.replaceAll("\\[[^]]*]", "").replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** A string value of the module's own application files, or null. */
    String value(String key) {
        Object v = application.get(key);
        return v == null ? null : String.valueOf(v);
    }

    int serverPort() {
        return Integer.parseInt(value("server.port"));
    }

    /** {@code medbase.service.prefix}, e.g. {@code /users/v1}; null for the gateway. */
    String prefix() {
        return value("medbase.service.prefix");
    }

    /** {@code <prefix>/health} for a service; the gateway has no prefix and answers its actuator. */
    String healthPath() {
        return prefix() == null ? "/actuator/health" : prefix() + "/health";
    }

    /** The database of {@code spring.mongodb.uri}, or null for a module without one. */
    String database() {
        String uri = value("spring.mongodb.uri");
        if (uri == null) {
            return null;
        }
        String path = uri.substring(uri.indexOf('/', "mongodb://".length()) + 1);
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    // ---------------------------------------------------------------- reading

    private static Map<String, Object> applicationFiles(Path resources, boolean platform) {
        Map<String, Object> out = new TreeMap<>();
        if (!Files.isDirectory(resources)) {
            return out;
        }
        try (Stream<Path> files = Files.list(resources)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                boolean application = name.startsWith("application") || (platform && name.startsWith("medbase-platform"));
                if (!application) {
                    continue;
                }
                if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                    try (Reader r = Files.newBufferedReader(f)) {
                        for (Object doc : new Yaml().loadAll(r)) {
                            flatten("", doc, out);
                        }
                    }
                } else if (name.endsWith(".properties")) {
                    Properties p = new Properties();
                    try (Reader r = Files.newBufferedReader(f)) {
                        p.load(r);
                    }
                    p.forEach((k, v) -> out.put(String.valueOf(k), v));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static void flatten(String prefix, Object node, Map<String, Object> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
        } else if (!prefix.isEmpty()) {
            out.put(prefix, node);
        }
    }

    private static void readMetadata(Path module, Set<String> properties, Set<String> maps,
                                     Map<String, JsonNode> metadata) {
        Path file = module.resolve("target/classes/META-INF/spring-configuration-metadata.json");
        if (!Files.isRegularFile(file)) {
            if (hasConfigurationProperties(module.resolve("src/main/java"))) {
                throw new IllegalStateException(file + " is missing: compile the modules first (./mvnw -pl deploy -am"
                        + " verify builds them before these tests)");
            }
            return;
        }
        JsonNode root = JSON.readTree(file.toFile());
        for (JsonNode p : root.path("properties")) {
            String name = p.path("name").asString();
            properties.add(name);
            metadata.put(name, p);
            if (p.path("type").asString("").startsWith("java.util.Map")) {
                maps.add(name);
            }
        }
    }

    private static boolean hasConfigurationProperties(Path sources) {
        return javaFiles(sources).stream().anyMatch(f -> read(f).contains("@ConfigurationProperties"));
    }

    private static void scanSources(Path sources, Set<String> properties, Set<String> variables,
                                    Map<String, String> defaults) {
        for (Path f : javaFiles(sources)) {
            String code = read(f);
            Matcher value = VALUE.matcher(code);
            while (value.find()) {
                placeholders(value.group(1), properties, variables, defaults);
            }
            Matcher condition = CONDITION.matcher(code);
            while (condition.find()) {
                String prefix = null;
                List<String> names = new ArrayList<>();
                Matcher a = ATTRIBUTE.matcher(condition.group(1));
                while (a.find()) {
                    if ("prefix".equals(a.group(1))) {
                        prefix = a.group(2);
                    } else {
                        names.add(a.group(2) != null ? a.group(2) : a.group(3));
                    }
                }
                for (String n : names) {
                    properties.add(prefix == null ? n : prefix + "." + n);
                }
            }
        }
    }

    private static void placeholders(String text, Set<String> properties, Set<String> variables,
                                     Map<String, String> defaults) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (ENV_NAME.matcher(name).matches()) {
                variables.add(name);
            } else {
                properties.add(name);
                if (m.group(2) != null) {
                    defaults.putIfAbsent(name, m.group(2));
                }
            }
        }
    }

    static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Yaml().load(r);
            return doc == null ? new LinkedHashMap<>() : (Map<String, Object>) doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Collection<String> strings(Object node) {
        if (node instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return node == null ? List.of() : List.of(String.valueOf(node));
    }
}
