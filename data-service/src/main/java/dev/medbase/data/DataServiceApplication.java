package dev.medbase.data;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Data: JSON-schema data models, workflows and documents (/data/v1, port 8083). */
@SpringBootApplication
@EnableConfigurationProperties(DataProperties.class)
public class DataServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(DataServiceApplication.class, args);
    }
}
