package dev.nbaprops.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ports the embedded broker chose itself can be taken between the check and the broker's bind (seen in CI: the
 * broker exited with "Address already in use"); it then chooses again. Ports the user set are never changed.
 */
class EmbeddedKafkaPortsTest {
  @TempDir
  Path tmp;

  @Test
  void choosesOtherPortsWhenItsOwnAreTakenBeforeTheBrokerBindsThem() throws Exception {
    EmbeddedKafka kafka = new EmbeddedKafka(tmp, 0, 0, "256m", Map.of());
    int first = port(kafka);
    ServerSocket[] thief = new ServerSocket[1];
    kafka.afterPortCheck = () -> {
      if (thief[0] == null) {
        thief[0] = bind(port(kafka));
      }
    };
    try (kafka) {
      kafka.start(Duration.ofSeconds(90));
      assertThat(port(kafka)).isNotEqualTo(first);
      assertThat(kafka.pid()).isPositive();
      Path cmdline = Path.of("/proc/" + kafka.pid() + "/cmdline");
      if (java.nio.file.Files.exists(cmdline)) { // the broker JVM runs with the default options (C1 only)
        assertThat(EmbeddedKafka.procFile(cmdline.toString()).split("\0"))
            .containsAll(EmbeddedKafka.DEFAULT_JVM_OPTIONS);
      }
    } finally {
      thief[0].close();
    }
  }

  @Test
  void aPortTheUserSetIsNotChangedAndTheErrorSaysWhichSetting() throws Exception {
    try (ServerSocket taken = bind(0)) {
      EmbeddedKafka kafka = new EmbeddedKafka(tmp, taken.getLocalPort(), 0, "256m", Map.of());
      assertThatThrownBy(() -> kafka.start(Duration.ofSeconds(30)))
          .hasMessageContaining("port " + taken.getLocalPort() + " is in use")
          .hasMessageContaining("embedded.kafka.port");
    }
  }

  @Test
  void aPortWhoseLastConnectionsLingerInTimeWaitIsFree() throws Exception {
    int port;
    try (ServerSocket listener = bind(0)) {
      port = listener.getLocalPort();
      try (java.net.Socket client = new java.net.Socket("localhost", port);
          java.net.Socket accepted = listener.accept()) {
        accepted.close(); // the side that closes first keeps the connection in TIME_WAIT, on the listener's port
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }
    }
    assertThat(timeWait(port)).as("a connection of the port lingers in TIME_WAIT (ss)").isTrue();
    assertThat(EmbeddedKafka.isFree(port)).isTrue();
    try (ServerSocket broker = new ServerSocket()) { // how the broker binds it
      broker.setReuseAddress(true);
      broker.bind(new InetSocketAddress(port));
    }
  }

  @Test
  void theBrokerJvmRunsG1UnlessItsOptionsNameAnotherCollector() {
    assertThat(EmbeddedKafka.jvmFlags("1g", EmbeddedKafka.DEFAULT_JVM_OPTIONS))
        .containsExactly("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1");
    assertThat(EmbeddedKafka.jvmFlags("512m", java.util.List.of("-XX:+UseSerialGC")))
        .containsExactly("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC");
    assertThat(EmbeddedKafka.jvmFlags("512m", java.util.List.of())).containsExactly("-Xms256m", "-Xmx512m", "-XX:+UseG1GC");
  }

  @Test
  void freePortsAreBelowTheEphemeralRangeWhereItIsKnown() {
    int port = EmbeddedKafka.freePort();
    assertThat(port).isPositive();
    int low = EmbeddedKafka.ephemeralLow();
    if (java.nio.file.Files.exists(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      assertThat(low).as("the ephemeral range is read whole").isGreaterThan(1024);
      assertThat(port).isLessThan(low);
    } // elsewhere any free port will do
  }

  /** Whether /proc/net/tcp6 or tcp lists a TIME_WAIT (state 06) connection with this local port. */
  private static boolean timeWait(int port) throws IOException {
    String hex = String.format(":%04X ", port);
    for (String f : new String[] {"/proc/net/tcp6", "/proc/net/tcp"}) {
      if (java.nio.file.Files.exists(Path.of(f))) {
        for (String line : EmbeddedKafka.procFile(f).split("\n")) {
          String[] cols = line.trim().split("\\s+");
          if (cols.length > 3 && (cols[1] + " ").endsWith(hex) && cols[3].equals("06")) {
            return true;
          }
        }
      }
    }
    return !java.nio.file.Files.exists(Path.of("/proc/net/tcp")); // elsewhere: not checked
  }

  private static int port(EmbeddedKafka kafka) {
    String bootstrap = kafka.bootstrapServers();
    return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
  }

  private static ServerSocket bind(int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress("localhost", port));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
