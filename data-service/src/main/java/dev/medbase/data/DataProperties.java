package dev.medbase.data;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code medbase.data.*}: limits of the data service. The defaults suit the devstack.
 *
 * @param maxQueryTime            longest a document or schema query may run on MongoDB ({@code maxTimeMS}); slower
 *                                queries end with 21 LONG_QUERY_EXCEPTION
 * @param maxDecompressedBodySize largest document body after gzip decompression ({@code Content-Encoding: gzip});
 *                                more is refused with 413 (a zip bomb never gets further than this)
 * @param lockTimeout             a {@code transitionLock} older than this is considered abandoned (its holder died)
 *                                and may be taken over
 * @param maxAutomaticTransitions automatic transitions run in one chain at most; the chain stops there (a loop of
 *                                automatic transitions would otherwise never end)
 * @param maxLimitCap             largest {@code maximumLimit} a schema may set
 * @param schemaRecheck           how long document requests reuse a schema's version check: a schema changed through
 *                                another replica is seen here within this time (through this one: at once); 0 checks
 *                                on every request (one more database read each)
 */
@ConfigurationProperties("medbase.data")
public record DataProperties(
        @DefaultValue("10s") Duration maxQueryTime,
        @DefaultValue("16MB") DataSize maxDecompressedBodySize,
        @DefaultValue("30s") Duration lockTimeout,
        @DefaultValue("20") int maxAutomaticTransitions,
        @DefaultValue("1000") int maxLimitCap,
        @DefaultValue("1s") Duration schemaRecheck) {
}
