package dev.nbaprops.embedded;

import java.io.IOException;

/**
 * Main class of the embedded broker's child JVM: runs {@code kafka.Kafka} and exits when the parent's pipe on
 * stdin closes, so a parent killed with -9 does not leave an orphan broker holding the ports and the log.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws Exception {
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
