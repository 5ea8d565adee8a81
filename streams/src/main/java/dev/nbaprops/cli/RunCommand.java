package dev.nbaprops.cli;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code run}: one app instance (topology + stores + query API) until Ctrl-C; for multi-instance deployments.
 * When Kafka Streams stops on an error it cannot recover from (state ERROR: e.g. a transaction the coordinator
 * aborted while a broker was down), the process exits with status 1 so that its supervisor (docker's restart
 * policy, Kubernetes) starts it again, instead of serving 503 from a dead instance forever.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run one instance of the app (topology, stores, query API) without replaying anything.")
final class RunCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = common.load();
    CountDownLatch stop = new CountDownLatch(1);
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      Thread hook = Shutdown.hook(stop, app);
      Runtime.getRuntime().addShutdownHook(hook);
      app.endHoldsAfterReplays();
      System.out.printf("running; query API on http://localhost:%d (Ctrl-C to stop)%n", app.queryPort());
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (app.streams().state() == KafkaStreams.State.ERROR) {
          System.err.println("error: " + StreamsFailure.describe(app.streamsError(), cfg.stateDir()) + " (see "
              + cfg.stateDir().resolve("logs") + "/app.log); exiting so that the instance is restarted");
          Runtime.getRuntime().removeShutdownHook(hook);
          return 1;
        }
      }
    }
    return 0;
  }
}
