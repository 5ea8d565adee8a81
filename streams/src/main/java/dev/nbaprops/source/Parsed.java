package dev.nbaprops.source;

/** The outcome of reading one source row: a record ready for its raw topic, or the reason it was rejected. */
public sealed interface Parsed<T> {
  record Ok<T>(String key, T value, long eventTime) implements Parsed<T> {}

  record Rejected<T>(String reason) implements Parsed<T> {}

  static <T> Parsed<T> ok(String key, T value, long eventTime) {
    return new Ok<>(key, value, eventTime);
  }

  static <T> Parsed<T> rejected(String reason) {
    return new Rejected<>(reason);
  }
}
