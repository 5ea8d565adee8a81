package dev.nbaprops.source.props;

import dev.nbaprops.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One matcher over the committed slice (data/nba-slice), shared by the parser tests, and fixture access. */
final class SliceMatcher {
  private static PropMatcher matcher;

  private SliceMatcher() {}

  static synchronized PropMatcher get() {
    if (matcher == null) {
      matcher = PropMatcher.load(TestData.slice());
    }
    return matcher;
  }

  /** A file of src/test/resources/fixtures/props. */
  static String fixture(String name) {
    try (InputStream in = SliceMatcher.class.getResourceAsStream("/fixtures/props/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
