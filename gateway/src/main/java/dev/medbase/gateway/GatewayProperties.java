package dev.medbase.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code medbase.gateway.*}: request bodies above {@code maxBodySize} are refused with 413 before any service. */
@ConfigurationProperties("medbase.gateway")
public record GatewayProperties(DataSize maxBodySize) {
    public GatewayProperties {
        maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(10) : maxBodySize;
    }
}
