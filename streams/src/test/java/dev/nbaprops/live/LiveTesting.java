package dev.nbaprops.live;

import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TopologyHarness;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;

/** Shared pieces of the live tests: settings against a fixture server, timelines, generic piping and tables. */
final class LiveTesting {
  /** The sources the live pollers produce (no game lines, no shots: see docs/live.md). */
  static final List<SourceKind> LIVE_SOURCES = List.of(SourceKind.SCHEDULE, SourceKind.PROPS, SourceKind.BOX_SCORES);

  private LiveTesting() {}

  /** Settings pointing every poller at the fixture server; zero intervals, so each tick polls everything due. */
  static LiveConfig config(FixtureServer s, Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    m.put(LiveConfig.SCOREBOARD_URL, s.base() + FixtureServer.SCOREBOARD);
    m.put(LiveConfig.BOXSCORE_URL, s.base() + FixtureServer.BOXSCORE);
    m.put(LiveConfig.ODDS_BASE_URL, s.base());
    m.put(LiveConfig.ODDS_API_KEY, "test-key");
    m.put(LiveConfig.SCOREBOARD_INTERVAL, "PT0S");
    m.put(LiveConfig.BOXSCORE_INTERVAL, "PT0S");
    m.put(LiveConfig.BOXSCORE_FINAL_RECHECK, "PT0S");
    m.put(LiveConfig.ODDS_INTERVAL, "PT0S");
    m.put(LiveConfig.HTTP_TIMEOUT, "PT2S");
    m.put(LiveConfig.RETRY_INITIAL, "PT0.05S");
    m.put(LiveConfig.RETRY_MAX, "PT0.4S");
    m.putAll(overrides);
    return new LiveConfig(m);
  }

  /** The replay timeline of the live sources for [start, end] (both inclusive), as the replay would send it. */
  static List<Timeline.Item> timeline(Path data, LocalDate start, LocalDate end) {
    return timeline(data, "2023-24", start, end);
  }

  /** The same for another season (e.g. a synthetic one). */
  static List<Timeline.Item> timeline(Path data, String season, LocalDate start, LocalDate end) {
    DataLayout layout = new DataLayout(data);
    List<Timeline.Item> out = new ArrayList<>();
    try (Timeline t = new Timeline(layout, Selection.of(LIVE_SOURCES, List.of(season), start, end, List.of()),
        SourceParsers.forLayout(layout), new ReplaySummary())) {
      while (t.hasNext()) {
        out.add(t.next());
      }
    }
    return out;
  }

  /** Feeds records to the harness's topology by topic, whatever the topic (topics it does not read are skipped). */
  static final class Feeder {
    private final TopologyHarness harness;
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
    private final java.util.Set<String> unread = new java.util.HashSet<>();

    Feeder(TopologyHarness harness) {
      this.harness = harness;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void pipe(String topic, String key, SpecificRecord value, long ts) {
      if (unread.contains(topic)) {
        return;
      }
      byte[] bytes = ((AvroCodec) AvroCodec.of(value.getClass())).encode(value);
      TestInputTopic<String, byte[]> in = inputs.computeIfAbsent(topic, t -> harness.driver().createInputTopic(t,
          new StringSerializer(), new ByteArraySerializer()));
      try {
        in.pipeInput(key, bytes, Instant.ofEpochMilli(ts));
      } catch (IllegalArgumentException notReadByTheTopology) {
        unread.add(topic);
      }
    }

    void pipe(List<Timeline.Item> items) {
      for (Timeline.Item i : items) {
        if (i instanceof Timeline.Data d) {
          pipe(d.source().topic(), d.key(), d.value(), d.eventTime());
        }
      }
      drain();
    }

    void drain() {
      harness.pipe(List.of()); // reads the output topics into the harness's tables
    }
  }

  /** Every table the harness collects (its public no-argument methods returning a Map), by method name. */
  static Map<String, Map<?, ?>> tables(TopologyHarness h) {
    Map<String, Map<?, ?>> out = new TreeMap<>();
    for (Method m : TopologyHarness.class.getMethods()) {
      if (m.getParameterCount() == 0 && Map.class.isAssignableFrom(m.getReturnType())) {
        try {
          out.put(m.getName(), new HashMap<>((Map<?, ?>) m.invoke(h)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  /** A sink into a topology harness that also keeps every record it was given. */
  static final class HarnessSink implements LiveSink {
    final Feeder feeder;
    final List<LiveRecord> sent = new ArrayList<>();

    HarnessSink(TopologyHarness h) {
      this.feeder = new Feeder(h);
    }

    @Override
    public synchronized void send(List<LiveRecord> batch) {
      for (LiveRecord r : batch) {
        feeder.pipe(r.topic(), r.key(), r.value(), r.timestamp());
      }
      feeder.drain();
      sent.addAll(batch);
    }

    synchronized List<LiveRecord> sent(String topic) {
      return sent.stream().filter(r -> r.topic().equals(topic)).toList();
    }
  }
}
