package dev.medbase.tasks.executors;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

/** The executor beans; the first that supports a runtime runs it. */
@Component
public class Executors {

    private final List<FunctionExecutor> executors;

    public Executors(List<FunctionExecutor> executors) {
        this.executors = List.copyOf(executors);
    }

    public Optional<FunctionExecutor> find(String runtime) {
        return executors.stream().filter(e -> e.supports(runtime)).findFirst();
    }
}
