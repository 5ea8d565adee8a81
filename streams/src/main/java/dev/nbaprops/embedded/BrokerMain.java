package dev.nbaprops.embedded;

import java.io.IOException;

/**
 * Main class of the embedded broker's child JVM: runs {@code kafka.Kafka} and exits when the parent's pipe on
 * stdin closes, so a parent killed with -9 does not leave an orphan broker holding the ports and the log.
 * It ignores SIGINT: Ctrl-C in a terminal reaches the whole process group, and the broker must stay up until
 * the parent has closed Kafka Streams (its last exactly-once commit) and then stops it with SIGTERM.
 */
public final class BrokerMain {
  private BrokerMain() {}

  @SuppressWarnings("removal")
  public static void main(String[] args) throws Exception {
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent never writes; EOF means it is gone
        }
      } catch (IOException ignored) {
        // treated as EOF
      }
      System.exit(0); // runs kafka.Kafka's shutdown hook: a clean shutdown
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    kafka.Kafka.main(args);
  }
}
