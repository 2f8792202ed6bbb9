package dev.medbase.tasks.executors;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.medbase.tasks.TasksProperties;

@Configuration(proxyBeanMethods = false)
class ExecutorConfiguration {

    @Bean
    @Order(100)
    ProcessExecutor processExecutor(TasksProperties properties) {
        return new ProcessExecutor(properties);
    }

    @Bean
    @Order(200)
    HttpExecutor httpExecutor(TasksProperties properties) {
        return new HttpExecutor(properties);
    }
}
