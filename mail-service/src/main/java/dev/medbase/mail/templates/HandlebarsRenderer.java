package dev.medbase.mail.templates;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.HandlebarsException;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Options;
import com.github.jknack.handlebars.TagType;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.context.MapValueResolver;
import com.github.jknack.handlebars.io.AbstractTemplateLoader;
import com.github.jknack.handlebars.io.TemplateSource;
import org.springframework.stereotype.Component;

import dev.medbase.mail.MailProperties;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Templates v2: Handlebars ({@code {{@inputs.first_name}}}, {@code {{#if}}}, {@code {{#each}}}, HTML-escaped by
 * default, {@code {{{raw}}}}), with {@code {{t 'key' name=@inputs.x}}} localisation (named {@code {{name}}} in the
 * localised text; values are escaped once, whether the
 * call is {@code {{t}}} or {@code {{{t}}}}).
 *
 * <h2>Sandbox</h2>
 * Values resolve on maps only (no Java bean or method access); partials cannot be loaded (no template loader) and
 * the built-in helpers that read files or resources or write to the log ({@code >}, {@code embedded},
 * {@code precompile}, {@code i18n}, {@code log}, …) are replaced by refusals; recursion between inline partials is
 * refused by Handlebars itself ({@code infiniteLoops(false)}). Iterations and output are charged to the
 * {@link RenderBudget}: inputs are {@link RenderBudget#wrap wrapped} so every {@code #each} step counts.
 */
@Component
public class HandlebarsRenderer {

    private static final Pattern NAMED = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_\\-]+)\\s*}}");
    private static final String LOCALIZATIONS = "medbase.localizations";
    private static final String LANGUAGE = "medbase.language";

    private final Handlebars handlebars;
    private final MailProperties.Templates limits;
    /** Compiled templates are immutable and thread-safe: the most recently used sources are kept compiled. */
    private final Map<String, Template> compiled = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Template> eldest) {
            return size() > 256;
        }
    };

    public HandlebarsRenderer(MailProperties properties) {
        this.limits = properties.templates();
        handlebars = new Handlebars(new NoPartials()).infiniteLoops(false).prettyPrint(false)
                .with(EscapingStrategy.HTML_ENTITY);
        Helper<Object> refused = (context, options) -> {
            throw new HandlebarsException(options.helperName + " is not available in templates", null);
        };
        for (String name : new String[] {"embedded", "precompile", "i18n", "i18nJs", "log", "block", "partial"}) {
            handlebars.registerHelper(name, refused);
        }
        handlebars.registerHelper("t", this::translate);
    }

    /** Compiles every output; 1004 with the output's name otherwise. */
    public void check(Map<String, String> outputs) {
        outputs.forEach(this::compile);
    }

    public Map<String, String> render(Map<String, String> outputs, Map<String, Object> inputs, String language,
                                      Map<String, Map<String, String>> localizations) {
        Map<String, String> out = new LinkedHashMap<>();
        Object wrapped = RenderBudget.wrap(inputs == null ? Map.of() : inputs);
        try (RenderBudget budget = RenderBudget.open(limits)) {
            for (Map.Entry<String, String> output : outputs.entrySet()) {
                Template template = compile(output.getKey(), output.getValue());
                Context context = Context.newBuilder(Map.of()).resolver(MapValueResolver.INSTANCE).build();
                context.data("inputs", wrapped);
                context.data(LOCALIZATIONS, localizations);
                context.data(LANGUAGE, language);
                StringBuilder text = new StringBuilder();
                try {
                    template.apply(context, budget.writer(text));
                } catch (StackOverflowError e) {
                    throw resolving(output.getKey(), "it nests too deeply");
                } catch (IOException | RuntimeException e) {
                    ExhException exh = find(e);
                    throw exh != null ? exh : resolving(output.getKey(), message(e));
                } finally {
                    context.destroy();
                }
                out.put(output.getKey(), text.toString());
            }
        }
        return out;
    }

    private Template compile(String name, String source) {
        Template cached;
        synchronized (compiled) {
            cached = compiled.get(source);
        }
        if (cached != null) {
            return cached;
        }
        try {
            Template template = handlebars.compileInline(source);
            synchronized (compiled) {
                compiled.put(source, template);
            }
            return template;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new ExhException(ExhError.TEMPLATE_SYNTAX_EXCEPTION,
                    "Output '" + name + "' is not a valid template: " + message(e));
        }
    }

    /** {@code {{t 'key' a=1}}}: the localised text, {@code {{a}}} replaced by the (escaped) hash values. */
    private Object translate(Object key, Options options) {
        Map<String, Map<String, String>> localizations = options.data(LOCALIZATIONS);
        String language = options.data(LANGUAGE);
        String text = Localizations.text(localizations, String.valueOf(key), language);
        Matcher m = NAMED.matcher(text);
        StringBuilder out = new StringBuilder();
        // {{{t …}}}: the text as authored, values escaped (i18next's default); {{t …}}: Handlebars escapes the
        // whole result, so the values go in as they are (escaping them here too would escape them twice).
        boolean raw = options.tagType == TagType.TRIPLE_VAR;
        while (m.find()) {
            Object value = options.hash(m.group(1));
            String replacement = value == null ? ""
                    : raw ? Handlebars.Utils.escapeExpression(String.valueOf(value)).toString() : String.valueOf(value);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        RenderBudget budget = RenderBudget.current();
        if (budget != null) {
            budget.charge(out.length());
        }
        return out.toString();
    }

    private static ExhException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExhException exh) {
                return exh;
            }
        }
        return null;
    }

    private static ExhException resolving(String output, String why) {
        return new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION,
                "Output '" + output + "' could not be resolved: " + why);
    }

    private static String message(Throwable e) {
        String message = e instanceof HandlebarsException h && h.getError() != null
                ? h.getError().reason : e.getMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** Partials are never loaded: a template can only use what it defines inline. */
    private static final class NoPartials extends AbstractTemplateLoader {
        @Override
        public TemplateSource sourceAt(String location) throws IOException {
            throw new IOException("partials are not available in templates ('" + location + "')");
        }
    }
}
