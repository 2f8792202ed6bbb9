package dev.medbase.mail.templates;

import java.io.Writer;
import java.time.Duration;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.medbase.mail.MailProperties;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * What one resolve may spend: loop iterations (all loops together), characters produced (the outputs and any text
 * built inside the template, e.g. Velocity's interpolated strings) and wall-clock time. Both engines charge it: every
 * iteration goes through {@link #iterate} (Velocity's iterators come from the sandbox uberspector, Handlebars iterates
 * the {@link #wrap wrapped} inputs), every character through {@link #charge}. Exhausted, the resolve fails with
 * {@code 1005 TEMPLATE_RESOLVING_EXCEPTION} instead of eating the service's memory or CPU.
 *
 * <p>The budget of the current render lives in a thread-local between {@link #open} and {@link #close}: engines call
 * back on the rendering thread.
 */
public final class RenderBudget implements AutoCloseable {

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

    private final long maxChars;
    private final long maxIterations;
    private final long deadline;
    private final Duration timeout;
    private long chars;
    private long iterations;

    private RenderBudget(MailProperties.Templates limits) {
        this.maxChars = limits.maxOutputSize().toBytes();
        this.maxIterations = limits.maxIterations();
        this.timeout = limits.timeout();
        this.deadline = System.nanoTime() + limits.timeout().toNanos();
    }

    public static RenderBudget open(MailProperties.Templates limits) {
        RenderBudget budget = new RenderBudget(limits);
        CURRENT.set(budget);
        return budget;
    }

    /** The budget of the render running on this thread, or null outside one. */
    public static RenderBudget current() {
        return CURRENT.get();
    }

    @Override
    public void close() {
        CURRENT.remove();
    }

    public void iterate() {
        if (++iterations > maxIterations) {
            throw exhausted("runs more than " + maxIterations + " loop iterations");
        }
        checkTime();
    }

    public void charge(long n) {
        chars += n;
        if (chars > maxChars) {
            throw exhausted("produces more than " + maxChars + " characters");
        }
        checkTime();
    }

    public void checkTime() {
        if (System.nanoTime() > deadline) {
            throw exhausted("takes longer than " + timeout.toMillis() + " ms");
        }
    }

    private static ExhException exhausted(String what) {
        return new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION, "The template " + what);
    }

    /** A writer that charges every character to this budget. */
    public Writer writer(StringBuilder target) {
        return new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) {
                charge(len);
                target.append(cbuf, off, len);
            }

            @Override
            public void write(String str, int off, int len) {
                charge(len);
                target.append(str, off, off + len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    /** Charges an iteration of the current render (if any) per element. */
    public static <T> Iterator<T> counting(Iterator<T> iterator) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return iterator.hasNext();
            }

            @Override
            public T next() {
                RenderBudget budget = current();
                if (budget != null) {
                    budget.iterate();
                }
                return iterator.next();
            }
        };
    }

    /**
     * The value with every list and map replaced by a read-only view whose iteration is charged, so a template that
     * nests loops over large inputs runs out of budget instead of running for hours.
     */
    public static Object wrap(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), wrap(v)));
            return new CountingMap(copy);
        }
        if (value instanceof List<?> list) {
            return new CountingList(list.stream().map(RenderBudget::wrap).toList());
        }
        return value;
    }

    static final class CountingList extends AbstractList<Object> {
        private final List<Object> items;

        CountingList(List<Object> items) {
            this.items = items;
        }

        @Override
        public Object get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public Iterator<Object> iterator() {
            return counting(items.iterator());
        }
    }

    static final class CountingMap extends AbstractMap<String, Object> {
        private final Map<String, Object> entries;

        CountingMap(Map<String, Object> entries) {
            this.entries = entries;
        }

        @Override
        public Object get(Object key) {
            return entries.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return counting(entries.entrySet().iterator());
                }

                @Override
                public int size() {
                    return entries.size();
                }
            };
        }
    }
}
