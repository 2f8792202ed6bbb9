# One image pattern for every module: build the jars first (./mvnw -B -DskipTests package), then
#   docker build --build-arg MODULE=user-service -t medbase/user-service .
# docker-compose.yml does this for every service.
FROM eclipse-temurin:17-jre
ARG MODULE
# task-service runs nodejs and python functions as child processes (medbase.tasks.node-command / python-command).
RUN if [ "$MODULE" = task-service ]; then \
      apt-get update && apt-get install -y --no-install-recommends nodejs python3 && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --system --uid 10001 medbase
COPY ${MODULE}/target/${MODULE}.jar /app/app.jar
USER medbase
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
