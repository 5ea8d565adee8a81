package dev.nbaprops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nba-props-streams}: the command line. */
@Command(name = "nba-props-streams", mixinStandardHelpOptions = true, version = "nba-props-streams 0.1.0",
    description = "Kafka Streams features for NBA player-prop models.",
    subcommands = {ReplayCommand.class, RunCommand.class, LiveCommand.class, ExportCommand.class, DrainedCommand.class, CompareCommand.class, ConnectCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).setExecutionStrategy(parsed -> {
      // Before the command runs (its first log line starts logging): the log file goes to its state directory.
      CommandLine.ParseResult last = parsed;
      while (last.hasSubcommand()) {
        last = last.subcommand();
      }
      last.commandSpec().mixins().values().stream().map(CommandLine.Model.CommandSpec::userObject)
          .filter(CommonOptions.class::isInstance).map(CommonOptions.class::cast)
          .forEach(CommonOptions::pointLogsAtStateDir);
      return new CommandLine.RunLast().execute(parsed);
    }).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      org.slf4j.LoggerFactory.getLogger(Main.class).debug("command failed", e);
      return 1;
    }).execute(args));
  }
}
