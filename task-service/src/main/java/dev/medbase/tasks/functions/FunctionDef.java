package dev.medbase.tasks.functions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;

/**
 * A stored function (collection {@code functions}, {@code _id} = name), as executors need it.
 *
 * @param code     the base64 zip ({@code null} for runtimes that need none, such as {@code http})
 * @param codeHash SHA-256 of the code; a new hash is a new version (a new unpack)
 */
public record FunctionDef(String name, String runtime, String entryPoint, int timeLimit, int memoryLimit,
                          Map<String, String> environment, String permissionMode, Integer defaultPriority,
                          boolean retryEnabled, List<String> errorsToRetry, boolean enabled, String code,
                          String codeHash) {

    @SuppressWarnings("unchecked")
    public static FunctionDef from(Document d) {
        Map<String, String> env = new LinkedHashMap<>();
        Document vars = d.get("environmentVariables", Document.class);
        if (vars != null) {
            vars.forEach((k, v) -> {
                if (v instanceof Document var && var.get("value") != null) {
                    env.put(k, String.valueOf(var.get("value")));
                }
            });
        }
        Document options = d.get("executionOptions", Document.class);
        Document retry = d.get("retryPolicy", Document.class);
        return new FunctionDef(d.getString("_id"), d.getString("runtime"), d.getString("entryPoint"),
                d.getInteger("timeLimit", 3), d.getInteger("memoryLimit", 128), env,
                options == null ? "permissionRequired" : options.get("permissionMode", "permissionRequired"),
                options == null ? null : options.getInteger("defaultPriority"),
                retry != null && Boolean.TRUE.equals(retry.getBoolean("enabled")),
                retry == null || retry.get("errorsToRetry") == null ? List.of()
                        : List.copyOf((List<String>) retry.get("errorsToRetry")),
                !Boolean.FALSE.equals(d.getBoolean("enabled")), d.getString("code"), d.getString("codeHash"));
    }
}
