package dev.nbaprops.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** FastText gives what the JDK parser it stands in for gives: the same value, or the same exception and message. */
class FastTextTest {
  private static final List<String> DATES = List.of("2023-10-24", "2024-02-29", "2023-02-29", "2023-02-30",
      "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00", "2023-01-32", "0000-01-01", "9999-12-31", "2023-1-01",
      "2023/10/24", "2023-10-24 ", " 2023-10-24", "+2023-10-24", "-2023-10-24", "20231024", "2023-10-2x", "",
      "2023-10-24T00:00", "１２３４-10-24", "+12345-01-01", "2023-10--1");

  private static final List<String> INSTANTS = List.of("2023-10-24T23:25:44Z", "2024-02-29T00:00:00Z",
      "2023-02-29T12:00:00Z", "2023-10-24T24:00:00Z", "2023-10-24T23:60:00Z", "2023-10-24T23:59:60Z",
      "2023-10-24T23:25:44.5Z", "2023-10-24T23:25:44+00:00", "2023-10-24T23:25Z", "2023-10-24 23:25:44Z",
      "2023-10-24t23:25:44z", "2023-10-24T23:25:44", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "",
      "2023-10-24T-1:25:44Z", "2023-13-24T23:25:44Z");

  private static final List<String> NUMBERS = List.of("0", "-0", "12", "-12", "+12", "23.5", "-0.2", "6.05",
      "-110.0", "0.1", "0.3", "1.91", "12.", ".5", "-.5", "-", "", " 12", "12 ", "1e3", "1E-2", "NaN", "-Infinity",
      "Infinity", "0x1p3", "12d", "12f", "1.2.3", "1,5", "--1", "999999999999999", "9999999999999999",
      "123456789.123456", "0.000000000000001", "0.0000000000000001", "00012.500", "1_000", "٣", "123456789012345.0",
      "3.141592653589793", "-987654.32101");

  @Test
  void datesAsTheJdk() {
    List<String> inputs = new ArrayList<>(DATES);
    Random rnd = new Random(16);
    for (int i = 0; i < 20_000; i++) {
      inputs.add(String.format("%04d-%02d-%02d", rnd.nextInt(10_000), rnd.nextInt(14), rnd.nextInt(33)));
    }
    inputs.forEach(s -> same(s, FastText::isoDate, LocalDate::parse));
  }

  @Test
  void instantsAsTheJdk() {
    List<String> inputs = new ArrayList<>(INSTANTS);
    Random rnd = new Random(16);
    for (int i = 0; i < 20_000; i++) {
      inputs.add(String.format("%04d-%02d-%02dT%02d:%02d:%02dZ", 1900 + rnd.nextInt(200), rnd.nextInt(14),
          rnd.nextInt(33), rnd.nextInt(26), rnd.nextInt(62), rnd.nextInt(62)));
    }
    inputs.forEach(s -> same(s, FastText::isoInstant, Instant::parse));
  }

  @Test
  void doublesAsTheJdkBitForBit() {
    List<String> inputs = new ArrayList<>(NUMBERS);
    Random rnd = new Random(16);
    for (int i = 0; i < 200_000; i++) {
      long whole = rnd.nextInt(4) == 0 ? rnd.nextLong() % 1_000_000_000_000L : rnd.nextInt(1000);
      int decimals = rnd.nextInt(9);
      StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "-" : "").append(Math.abs(whole));
      if (decimals > 0) {
        b.append('.');
        for (int d = 0; d < decimals; d++) {
          b.append((char) ('0' + rnd.nextInt(10)));
        }
      }
      inputs.add(b.toString());
    }
    for (String s : inputs) {
      same(s, x -> Double.doubleToRawLongBits(FastText.parseDouble(x)),
          x -> Double.doubleToRawLongBits(Double.parseDouble(x)));
    }
    assertThat(Double.doubleToRawLongBits(FastText.parseDouble("-0"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThatThrownBy(() -> FastText.parseDouble("1.2.3")).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void digits() {
    assertThat(FastText.isDigits("0022300061", 10)).isTrue();
    assertThat(FastText.isDigits("002230006", 10)).isFalse();
    assertThat(FastText.isDigits("00223000611", 10)).isFalse();
    assertThat(FastText.isDigits("002230006x", 10)).isFalse();
    assertThat(FastText.isDigits("00223000٦1", 10)).isFalse(); // \d is ASCII only in java.util.regex by default
    assertThat(FastText.isDigits("-022300061", 10)).isFalse();
  }

  private static <T> void same(String s, Function<String, T> fast, Function<String, T> jdk) {
    Object expected;
    try {
      expected = jdk.apply(s);
    } catch (RuntimeException e) {
      expected = e.getClass().getName() + ": " + e.getMessage();
    }
    Object actual;
    try {
      actual = fast.apply(s);
    } catch (RuntimeException e) {
      actual = e.getClass().getName() + ": " + e.getMessage();
    }
    assertThat(actual).as("'%s'", s).isEqualTo(expected);
  }
}
