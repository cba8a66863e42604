package lakeops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskedYamlTest {

  /** A value with a nested secret, as settings records are. */
  record Storage(String endpoint, String accessKey, String secretKey) {}

  record Settings(String name, Storage storage) {}

  @Test
  void masksSecretsAtAnyDepthAndInExtraKeys() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("file", "environments/dev.yml");
    extra.put("spark_session_conf", Map.of("spark.hadoop.fs.s3a.secret.key", "s3cr3t"));
    String yaml =
        MaskedYaml.write(
            new Settings("dev", new Storage("http://127.0.0.1:9000", "AKIA", "s3cr3t")), extra);
    assertThat(yaml.lines())
        .containsExactly(
            "name: dev",
            "storage:",
            "  endpoint: http://127.0.0.1:9000",
            "  access_key: '****'",
            "  secret_key: '****'",
            "file: environments/dev.yml",
            "spark_session_conf:",
            "  spark.hadoop.fs.s3a.secret.key: '****'");
  }

  @Test
  void leavesMissingSecretsAndOtherKeysAlone() {
    String yaml = MaskedYaml.write(new Storage("http://minio", null, "x"), Map.of());
    assertThat(yaml)
        .contains("endpoint: http://minio")
        .contains("access_key: null")
        .contains("secret_key: '****'");
    assertThat(MaskedYaml.isSecret("spark.hadoop.fs.s3a.session.token")).isTrue();
    assertThat(MaskedYaml.isSecret("Password")).isTrue();
    assertThat(MaskedYaml.isSecret("endpoint")).isFalse();
  }
}
