package dev.nbaprops.query;

import dev.nbaprops.config.AppConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.nbaprops.topology.TableVersions;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API over the state stores (interactive queries), split the way Confluent's interactive-query examples
 * split it:
 * <ul>
 *   <li>{@link HttpLayer}: Jetty, limits, token, errors as JSON, dispatch and validation from the route table
 *   ({@link Routes}, {@link Route});</li>
 *   <li>{@link InstanceRouter}: the metadata and routing service ({@code queryMetadataForKey}, reading from the
 *   owner, gathering every partition, stale reads from standbys);</li>
 *   <li>{@link StoreReader} ({@link LocalStores}): reads of this instance's partitions, with the date-index hook;
 *   {@link TableReads}: the table routes; {@link Coverage}: the coverage report; {@link TrainingSet}: training
 *   rows;</li>
 *   <li>{@link OpenApi} and {@link ApiDocs}: the description and the docs table, generated from the route table.</li>
 * </ul>
 * Whichever instance receives a request builds the answer, so every instance answers the same bytes. This class
 * wires them and is what the app sees.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

  /** The answer of a mounted handler. */
  public record MountReply(int status, String contentType, byte[] body) {}

  /** A handler served under a path prefix (the live mode's {@code /live}), behind the token like every route. */
  public interface Mount {
    MountReply answer(String method, String path);
  }

  private final AppConfig cfg;
  private final HttpLayer http;
  private final InstanceRouter router;
  private final QueryMetrics metrics;
  private final DateAnswers dateAnswers;
  private volatile KafkaStreams streams;

  /**
   * Refuses a non-loopback bind without a token unless {@code query.insecure} (--insecure) says so: anyone who can
   * reach the port could read every store. Called before anything starts.
   */
  public static void checkExposure(AppConfig cfg) {
    String host = cfg.getString(AppConfig.QUERY_HOST);
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("query.host " + host + " does not resolve: " + e.getMessage());
    }
    if (loopback || !cfg.queryAuthToken().isEmpty()) {
      return;
    }
    if (!cfg.getBoolean(AppConfig.QUERY_INSECURE)) {
      throw new IllegalStateException("refusing to serve the query API on " + host + " (not a loopback address)"
          + " without a token: set query.auth.token (every instance of the application shares it), or pass"
          + " --insecure (query.insecure=true) to serve every store to anyone who can reach the port");
    }
    LOG.warn("************************************************************************************************");
    LOG.warn("INSECURE: the query API on {} has no token (--insecure): anyone who can reach port {} reads every"
        + " store", host, cfg.getInt(AppConfig.QUERY_PORT));
    LOG.warn("************************************************************************************************");
  }

  /** Binds the port now (so its number is known for application.server); serves after {@link #start()}. */
  public static QueryServer bind(String host, int port, AppConfig cfg) {
    checkExposure(cfg.with(java.util.Map.of(AppConfig.QUERY_HOST, host)));
    HttpLayer.Limits limits = new HttpLayer.Limits(cfg.getInt(AppConfig.QUERY_THREADS),
        cfg.getInt(AppConfig.QUERY_QUEUE), cfg.getInt(AppConfig.QUERY_PEER_THREADS),
        cfg.getLong(AppConfig.QUERY_REQUEST_TIMEOUT_MS), cfg.getLong(AppConfig.QUERY_IDLE_TIMEOUT_MS),
        cfg.getInt(AppConfig.QUERY_MAX_CONNECTIONS), cfg.getInt(AppConfig.QUERY_MAX_BODY_BYTES),
        cfg.getInt(AppConfig.QUERY_MAX_HEADER_BYTES));
    QueryMetrics metrics = new QueryMetrics();
    HttpLayer http = new HttpLayer(host, port, cfg.queryAuthToken(), limits, metrics);
    InstanceRouter router = new InstanceRouter(cfg.queryAuthToken(), cfg.partitions(), metrics);
    return new QueryServer(cfg, http, router, metrics);
  }

  private QueryServer(AppConfig cfg, HttpLayer http, InstanceRouter router, QueryMetrics metrics) {
    this.cfg = cfg;
    this.http = http;
    this.router = router;
    this.metrics = metrics;
    this.dateAnswers = new DateAnswers(cfg.getLong(AppConfig.QUERY_DATE_CACHE_MAX_BYTES));
  }

  public int port() {
    return http.port();
  }

  /** The instance's Kafka Streams and the topology it runs (which catalog stores exist in it). */
  public void attach(KafkaStreams streams, Topology topology) {
    this.streams = streams;
    // Kept date answers (DateAnswers) are void once stores change without a TableStore write: a restore, a
    // rebalance (tasks moving), any change of Kafka Streams' state.
    streams.setStateListener((now, before) -> TableVersions.resetAll());
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
        TableVersions.resetAll();
      }

      @Override
      public void onBatchRestored(TopicPartition tp, String store, long batchEnd, long restored) {
        TableVersions.resetAll();
      }

      @Override
      public void onRestoreEnd(TopicPartition tp, String store, long restored) {
        TableVersions.resetAll();
      }
    });
    router.attach(streams, new LocalStores(streams, topology.describe()),
        new HostInfo(cfg.getString(AppConfig.QUERY_ADVERTISED_HOST), port()));
    metrics.attach(() -> this.streams);
  }

  /** Serves {@code handler} under {@code path} (e.g. the live mode's {@code /live}), behind the token. */
  public void mount(String path, Mount handler) {
    http.mount(path, handler);
  }

  public void start() {
    TableReads reads = new TableReads(router, dateAnswers);
    Object[] openApi = new Object[1];
    List<Route> routes = Routes.table(reads, new Coverage(router), new TrainingSet.Endpoint(router, metrics),
        metrics, () -> openApi[0], () -> streams == null ? KafkaStreams.State.CREATED : streams.state());
    openApi[0] = OpenApi.describe(routes);
    http.start(routes);
    LOG.info("query API on http://{}:{}", http.host(), port());
  }

  @Override
  public void close() {
    http.close();
    router.close();
  }
}
