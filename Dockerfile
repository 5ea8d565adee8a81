# One image for every role of docker-compose.yml (Debian, glibc: the DuckDB JDBC driver's native library needs
# glibc, so no Alpine/musl base):
#   broker       a KRaft Kafka broker+controller (the Kafka version of the pom, from the app's own jars)
#   connect      a distributed Kafka Connect worker with the warehouse sink on its classpath
#   connect-init submits the sink connector to the Connect cluster, then exits
#   anything else is passed to the CLI (run, replay, export, live, ...)
# Build: docker-compose build   (or: docker build -t nba-props-streams .)
# Behind a TLS-intercepting proxy, put its CA certificate(s) (*.crt, PEM) into docker/ca-certificates/ so that
# Maven can reach Maven Central while building; they are used by the build stage only.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless maven ca-certificates ca-certificates-java \
 && rm -rf /var/lib/apt/lists/*
COPY docker/ca-certificates/ /usr/local/share/ca-certificates/extra/
RUN update-ca-certificates
WORKDIR /src
# The third-party dependencies first (a layer that only a pom change invalidates); the project's own modules
# are not in any repository yet, hence the exclusion (and a partial prefetch is fine: package fetches the rest).
COPY pom.xml ./
COPY schemas/pom.xml schemas/pom.xml
COPY connectors/pom.xml connectors/pom.xml
COPY streams/pom.xml streams/pom.xml
COPY embedded/pom.xml embedded/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN mvn -B -q -pl schemas,connectors,streams,embedded dependency:go-offline -DexcludeGroupIds=dev.nbaprops \
 || echo "dependency prefetch incomplete; the build below fetches the rest"
COPY schemas schemas
COPY connectors connectors
COPY streams streams
COPY embedded embedded
RUN mvn -B -q -DskipTests -pl embedded -am package

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The embedded module's distribution: the app (streams) with the broker, Connect and the sink on one classpath.
COPY --from=build /src/embedded/target/nba-props-streams-embedded.jar /app/
COPY --from=build /src/embedded/target/lib /app/lib
COPY --from=build /src/connectors/target/plugin /app/connect-plugin
COPY --from=build /src/connectors/config /app/connector-config
COPY data/nba-slice /app/data/nba-slice
COPY docker/entrypoint.sh docker/log4j2-console.xml /app/docker/
ENV NBA_PROPS_HOME=/app
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["run"]
