# One image pattern for every module: build the jars first (./mvnw -B -DskipTests package), then
#   docker build --build-arg MODULE=user-service -t medbase/user-service .
# docker-compose.yml does this for every service.
FROM eclipse-temurin:17-jre
ARG MODULE
RUN useradd --system --uid 10001 medbase
COPY ${MODULE}/target/${MODULE}.jar /app/app.jar
USER medbase
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
