package dev.nbaprops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short version of the reliability harness (docs/reliability.md; the long one is {@code bench/kill-harness.sh}):
 * the bundled slice's 2023-24 games up to 2023-10-27 replayed into a broker, the app's {@code run} instance, the
 * Connect worker and a {@code replay --produce-only} producer, each its own process; once without faults, once
 * with a kill -9 of the app and then of the broker while the replay produces. Every derived topic's latest values
 * and every warehouse table must be equal, key by key: nothing lost, nothing doubled, nothing changed.
 */
class KillHarnessTest {
  @Test
  void twoKillsLoseAndDoubleNothing() throws Exception {
    // Not a @TempDir: the processes' logs stay for a look after a failure (the next run deletes them).
    Path tmp = TestData.projectRoot().resolve("embedded/target/kill-harness-test");
    KillHarness.Options o = KillHarness.parse(new String[] {"--seed", "19", "--kills", "2", "--targets", "app,broker",
        "--data", TestData.slice().toString(), "--seasons", "2023-24", "--end-date", "2023-10-27", "--speed", "max",
        "--gap", "1,3", "--work", tmp.toString()});
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(new TeeStream(System.out, buf), true, StandardCharsets.UTF_8);
    KillHarness.Result r = KillHarness.run(o, both);
    String log = buf.toString(StandardCharsets.UTF_8);
    assertThat(r.faults()).as(log).isEqualTo(2);
    assertThat(r.topics().compared()).as(log).isPositive();
    assertThat(r.warehouse().compared()).as(log).isPositive();
    assertThat(List.of(r.topics().lost(), r.topics().extra(), r.topics().differing())).as(log)
        .containsOnly(0L);
    assertThat(List.of(r.warehouse().lost(), r.warehouse().doubled(), r.warehouse().extra(), r.warehouse().differing()))
        .as(log).containsOnly(0L);
  }

  /** Writes to two streams. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
