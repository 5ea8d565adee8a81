package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.config.AppConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This module is the app alone: the embedded broker and Connect worker are the embedded module's (its tests run the
 * app on them). Asked for the embedded default without it, the app says what to do before it starts anything.
 */
class EmbeddedServicesTest {
  @Test
  void embeddedDefaultWithoutTheEmbeddedModuleFailsWithWhatToDo(@TempDir Path dir) {
    assertThat(ServiceLoader.load(EmbeddedServices.class).findFirst()).isEmpty();
    Path state = dir.resolve("state");
    AppConfig cfg = AppConfig.load(null, Map.of(AppConfig.STATE_DIR, state.toString(), AppConfig.QUERY_PORT, "0"));
    assertThat(cfg.embeddedKafka()).isTrue();
    assertThatThrownBy(() -> NbaPropsApp.start(cfg)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kafka.bootstrap.servers").hasMessageContaining("embedded module");
    assertThat(state).doesNotExist();
  }
}
