package dev.nbaprops.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The plugin's version, the Maven project version filtered into {@code version.properties} at build time. */
final class PluginVersion {
  private static final String VERSION = load();

  private PluginVersion() {
  }

  static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = PluginVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("missing dev/nbaprops/connect/version.properties");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").strip();
      if (v.isEmpty() || v.startsWith("${")) {
        throw new IllegalStateException("version.properties was not filtered: '" + v + "'");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
