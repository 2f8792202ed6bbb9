package dev.medbase.mail.templates;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.velocity.runtime.directive.ForeachScope;
import org.apache.velocity.util.introspection.Info;
import org.apache.velocity.util.introspection.SecureUberspector;
import org.apache.velocity.util.introspection.VelMethod;
import org.apache.velocity.util.introspection.VelPropertyGet;
import org.apache.velocity.util.introspection.VelPropertySet;

/**
 * What a v1 template may touch. On top of Velocity's {@link SecureUberspector} (no class loading, no reflection,
 * no {@code getClass}), only an allow-list of side-effect-free methods on the values a template can see — strings,
 * numbers, booleans, lists and maps from {@code $content}, the {@code $foreach} scope and the localizer — is
 * callable; properties resolve on maps ({@code $content.first_name}) and on {@code $foreach} only; nothing can be
 * set. Methods that make big strings ({@code repeat}, {@code replace}, {@code concat}, {@code format}) are not on the
 * list. Every iterator is charged to the {@link RenderBudget}, so loops are bounded in total.
 */
public class SandboxUberspector extends SecureUberspector {

    private static final Set<String> STRING = Set.of("length", "isEmpty", "isBlank", "toUpperCase", "toLowerCase",
            "trim", "strip", "contains", "startsWith", "endsWith", "equals", "equalsIgnoreCase", "substring",
            "indexOf", "lastIndexOf", "charAt", "compareTo", "toString");
    private static final Set<String> NUMBER = Set.of("intValue", "longValue", "doubleValue", "equals", "compareTo",
            "toString");
    private static final Set<String> BOOLEAN = Set.of("booleanValue", "equals", "toString");
    private static final Set<String> LIST = Set.of("size", "isEmpty", "get", "contains", "indexOf");
    private static final Set<String> MAP = Set.of("size", "isEmpty", "get", "containsKey", "keySet", "values");
    private static final Set<String> SET = Set.of("size", "isEmpty", "contains");
    private static final Set<String> SCOPE = Set.of("getIndex", "getCount", "hasNext", "getHasNext", "isFirst",
            "getFirst", "isLast", "getLast");
    private static final Set<String> SCOPE_PROPERTIES = Set.of("index", "count", "hasNext", "first", "last");

    @Override
    public VelMethod getMethod(Object obj, String methodName, Object[] args, Info i) {
        return obj != null && allowed(obj, methodName) ? super.getMethod(obj, methodName, args, i) : null;
    }

    static boolean allowed(Object obj, String method) {
        if (obj instanceof ForeachScope) { // a Map too: check it first
            return SCOPE.contains(method);
        }
        if (obj instanceof String) {
            return STRING.contains(method);
        }
        if (obj instanceof Integer || obj instanceof Long || obj instanceof Double) {
            return NUMBER.contains(method);
        }
        if (obj instanceof Boolean) {
            return BOOLEAN.contains(method);
        }
        if (obj instanceof List<?>) {
            return LIST.contains(method);
        }
        if (obj instanceof Map<?, ?>) {
            return MAP.contains(method);
        }
        if (obj instanceof Set<?> || obj instanceof Collection<?>) {
            return SET.contains(method);
        }
        if (obj instanceof VelocityRenderer.Localizer) {
            return method.equals("t");
        }
        return false;
    }

    @Override
    public VelPropertyGet getPropertyGet(Object obj, String identifier, Info i) {
        if (obj instanceof ForeachScope) { // a Map too: check it first
            return SCOPE_PROPERTIES.contains(identifier) ? super.getPropertyGet(obj, identifier, i) : null;
        }
        if (obj instanceof Map<?, ?>) {
            return new MapKey(identifier); // only the key: never a getter such as getClass()
        }
        return null;
    }

    /** {@code $map.key} is {@code map.get("key")} and nothing else. */
    private record MapKey(String key) implements VelPropertyGet {
        @Override
        public Object invoke(Object o) {
            return o instanceof Map<?, ?> map ? map.get(key) : null;
        }

        @Override
        public boolean isCacheable() {
            return true;
        }

        @Override
        public String getMethodName() {
            return "get";
        }
    }

    @Override
    public VelPropertySet getPropertySet(Object obj, String identifier, Object arg, Info i) {
        return null;
    }

    @Override
    public Iterator getIterator(Object obj, Info i) {
        @SuppressWarnings("unchecked")
        Iterator<Object> iterator = super.getIterator(obj, i);
        return iterator == null ? null : RenderBudget.counting(iterator);
    }
}
