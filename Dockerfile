# Image of the app (streams + query API + CLI) for docker-compose.yml. Build: docker build -t nba-props-streams .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/streams/target/nba-props-streams.jar /app/
COPY --from=build /src/streams/target/lib /app/lib
COPY --from=build /src/connectors/target/plugin /app/connect-plugin
COPY --from=build /src/data /app/data
ENV NBA_PROPS_HOME=/app
ENTRYPOINT ["java", "-cp", "/app/nba-props-streams.jar:/app/lib/*", "dev.nbaprops.cli.Main"]
CMD ["run"]
