package dev.medbase.mail.templates;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;
import org.apache.velocity.context.Context;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.TemplateInitException;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.RuntimeInstance;
import org.apache.velocity.runtime.parser.ParseException;
import org.apache.velocity.runtime.parser.node.ASTAddNode;
import org.apache.velocity.runtime.parser.node.ASTDirective;
import org.apache.velocity.runtime.parser.node.ASTMap;
import org.apache.velocity.runtime.parser.node.ASTObjectArray;
import org.apache.velocity.runtime.parser.node.Node;
import org.apache.velocity.runtime.parser.node.SimpleNode;
import org.springframework.stereotype.Component;

import dev.medbase.mail.MailProperties;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Templates v1: Apache Velocity ({@code $content.first_name}, {@code #if … #end}, {@code #foreach}), with the
 * Extra Horizon localisation syntax {@code {{key,$content.a,$content.b}}} (positional {@code $1}, {@code $2} in the
 * localised text).
 *
 * <h2>Sandbox</h2>
 * <ul>
 * <li>Directives: only {@code #if/#elseif/#else}, {@code #foreach}, {@code #set} and {@code #break}; no
 * {@code #include}, {@code #parse}, {@code #evaluate}, {@code #define}, {@code #macro} (macros are also switched off
 * in the engine). No list or map literals and no {@code +} (string concatenation is the classic way to build a huge
 * string in a loop). Integer ranges {@code [1..n]} are lazy in Velocity 2.</li>
 * <li>Method and property access: {@link SandboxUberspector}'s allow-list only; no class access.</li>
 * <li>Budget ({@link RenderBudget}): every loop iteration and every inserted character (also inside interpolated
 * strings) is charged; lists and maps are rendered with a bounded writer.</li>
 * </ul>
 * Syntax errors and forbidden constructs are {@code 1004 TEMPLATE_SYNTAX_EXCEPTION} (checked when a template is
 * saved); a resolve that breaks a limit is {@code 1005 TEMPLATE_RESOLVING_EXCEPTION}.
 */
@Component
public class VelocityRenderer {

    private static final Pattern LOCALIZATION = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_\\-]+)\\s*((?:,[^{},]*)*)}}");
    private static final Pattern MACRO = Pattern.compile("#\\{?(macro|define|evaluate|parse|include)\\b");
    private static final Set<String> DIRECTIVES = Set.of("foreach", "break");

    private final RuntimeInstance engine;
    private final MailProperties.Templates limits;

    public VelocityRenderer(MailProperties properties) {
        this.limits = properties.templates();
        Properties p = new Properties();
        p.setProperty(RuntimeConstants.UBERSPECT_CLASSNAME, SandboxUberspector.class.getName());
        p.setProperty("velocimacro.inline.allow", "false");
        p.setProperty("velocimacro.inline.local_scope", "true");
        p.setProperty("velocimacro.max_depth", "5");
        p.setProperty("resource.loaders", "string");
        p.setProperty("resource.loader.string.class",
                "org.apache.velocity.runtime.resource.loader.StringResourceLoader");
        p.setProperty("runtime.log.log_invalid_references", "false");
        p.setProperty("runtime.log.log_invalid_method_calls", "false");
        p.setProperty("directive.foreach.max_loops", "-1"); // the render budget bounds all loops together
        p.setProperty("directive.set.null.allowed", "true");
        engine = new RuntimeInstance();
        engine.init(p);
    }

    /** Checks every field parses and uses only what the sandbox allows; 1004 otherwise. */
    public void check(Map<String, String> fields) {
        fields.forEach((name, source) -> parse(name, prepare(source)));
    }

    /**
     * Resolves every field with {@code $content}; localisation keys are looked up in {@code localizations}.
     *
     * @return field name → resolved text, in the template's order
     */
    public Map<String, String> render(Map<String, String> fields, Map<String, Object> content, String language,
                                      Map<String, Map<String, String>> localizations) {
        Map<String, String> out = new LinkedHashMap<>();
        try (RenderBudget budget = RenderBudget.open(limits)) {
            for (Map.Entry<String, String> field : fields.entrySet()) {
                String source = prepare(field.getValue());
                SimpleNode tree = parse(field.getKey(), source);
                VelocityContext context = new VelocityContext();
                context.put("content", content == null ? Map.of() : content);
                context.put("medbase_localizer", new Localizer(localizations, language));
                EventCartridge events = new EventCartridge();
                events.addReferenceInsertionEventHandler(new BoundedInsertion(budget));
                events.addMethodExceptionHandler((ctx, type, method, e, info) -> {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                });
                events.attachToContext(context);
                StringBuilder text = new StringBuilder();
                try {
                    engine.render(context, budget.writer(text), field.getKey(), tree);
                } catch (StackOverflowError e) {
                    throw new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION,
                            "Field '" + field.getKey() + "' nests too deeply");
                } catch (RuntimeException e) {
                    throw translate(field.getKey(), e);
                }
                out.put(field.getKey(), text.toString());
            }
        }
        return out;
    }

    /** {@code {{key,a,b}}} → a localizer call; the arguments are interpolated Velocity strings. */
    static String prepare(String source) {
        Matcher m = LOCALIZATION.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            StringBuilder call = new StringBuilder("$medbase_localizer.t(\"").append(m.group(1)).append('"');
            String args = m.group(2);
            if (!args.isEmpty()) {
                for (String arg : args.substring(1).split(",", -1)) {
                    call.append(", \"").append(arg.trim().replace("\"", "\"\"")).append('"');
                }
            }
            call.append(')');
            m.appendReplacement(out, Matcher.quoteReplacement(call.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private SimpleNode parse(String name, String source) {
        Matcher forbidden = MACRO.matcher(source);
        if (forbidden.find()) {
            throw syntax(name, "#" + forbidden.group(1) + " is not allowed in templates");
        }
        SimpleNode tree;
        try {
            Template template = new Template();
            template.setName(name);
            tree = engine.parse(new StringReader(source), template);
        } catch (ParseException | ParseErrorException | TemplateInitException e) {
            throw syntax(name, firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw syntax(name, "it nests too deeply");
        } catch (RuntimeException e) {
            throw syntax(name, firstLine(e.getMessage()));
        }
        inspect(name, tree);
        return tree;
    }

    private static void inspect(String name, Node node) {
        if (node instanceof ASTDirective directive && !DIRECTIVES.contains(directive.getDirectiveName())) {
            throw syntax(name, "#" + directive.getDirectiveName() + " is not allowed in templates");
        }
        if (node instanceof ASTAddNode) {
            throw syntax(name, "the + operator is not allowed in templates (write \"$a$b\" to join strings)");
        }
        if (node instanceof ASTObjectArray || node instanceof ASTMap) {
            throw syntax(name, "list and map literals are not allowed in templates (integer ranges [1..n] are)");
        }
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            inspect(name, node.jjtGetChild(i));
        }
    }

    private static ExhException syntax(String field, String why) {
        return new ExhException(ExhError.TEMPLATE_SYNTAX_EXCEPTION,
                "Field '" + field + "' is not a valid template: " + why);
    }

    private static ExhException translate(String field, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExhException exh) {
                return exh;
            }
        }
        return new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION,
                "Field '" + field + "' could not be resolved: " + firstLine(e.getMessage()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid template";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** {@code $medbase_localizer.t("key", args…)}: the localised text with {@code $1…$n} replaced. */
    public static final class Localizer {
        private final Map<String, Map<String, String>> localizations;
        private final String language;

        Localizer(Map<String, Map<String, String>> localizations, String language) {
            this.localizations = localizations;
            this.language = language;
        }

        public String t(String key, Object... args) {
            String text = Localizations.text(localizations, key, language);
            for (int i = args.length; i >= 1; i--) {
                text = text.replace("$" + i, String.valueOf(args[i - 1]));
            }
            RenderBudget budget = RenderBudget.current();
            if (budget != null) {
                budget.charge(text.length());
            }
            return text;
        }
    }

    /**
     * Charges every inserted value to the budget (also references inside interpolated strings, which is how a
     * template would build a big string) and renders lists and maps with a bounded writer, so that a value's
     * {@code toString} can never be larger than what is left of the budget.
     */
    private static final class BoundedInsertion implements ReferenceInsertionEventHandler {
        private final RenderBudget budget;

        BoundedInsertion(RenderBudget budget) {
            this.budget = budget;
        }

        @Override
        public Object referenceInsert(Context context, String reference, Object value) {
            if (value == null) {
                return null;
            }
            String text = value instanceof Collection<?> || value instanceof Map<?, ?>
                    ? bounded(value) : String.valueOf(value);
            budget.charge(text.length());
            return text;
        }

        private String bounded(Object value) {
            StringBuilder out = new StringBuilder();
            append(out, value);
            return out.toString();
        }

        private void append(StringBuilder out, Object value) {
            budget.charge(1);
            if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(first ? "" : ", ").append(e.getKey()).append('=');
                    budget.charge(String.valueOf(e.getKey()).length());
                    append(out, e.getValue());
                    first = false;
                }
                out.append('}');
            } else if (value instanceof Collection<?> list) {
                out.append('[');
                boolean first = true;
                for (Object item : new ArrayList<>(list)) {
                    out.append(first ? "" : ", ");
                    append(out, item);
                    first = false;
                }
                out.append(']');
            } else {
                String s = String.valueOf(value);
                budget.charge(s.length());
                out.append(s);
            }
        }
    }
}
