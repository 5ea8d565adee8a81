package dev.nbaprops.cli;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run}: one app instance (topology + stores + query API) until Ctrl-C; for multi-instance deployments. */
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
      Runtime.getRuntime().addShutdownHook(Shutdown.hook(stop, app));
      System.out.printf("running; query API on http://localhost:%d (Ctrl-C to stop)%n", app.queryPort());
      stop.await();
    }
    return 0;
  }
}
