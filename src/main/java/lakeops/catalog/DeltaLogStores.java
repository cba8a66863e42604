package lakeops.catalog;

import java.util.LinkedHashMap;
import java.util.Map;
import lakeops.env.Environment;
import lakeops.env.Environment.S3Settings;
import lakeops.env.EnvironmentProperties;

/**
 * The Delta log store of an environment's sessions for {@code s3a://} tables, from its {@code
 * storage.s3.log_store}: Delta's single-driver S3 log store (the default), {@link
 * S3ConditionalWriteLogStore}, or Delta's DynamoDB-backed {@code S3DynamoDBLogStore}. Delta picks a
 * log store per scheme, so the writing environment's choice holds for every bucket its sessions
 * commit to.
 */
public final class DeltaLogStores {

  /** Delta's setting naming the log store class of {@code s3a://} paths. */
  public static final String S3A_LOG_STORE = "spark.delta.logStore.s3a.impl";

  /** Prefix of the DynamoDB log store's own settings. */
  static final String DYNAMODB_PREFIX = "spark.io.delta.storage.S3DynamoDBLogStore.";

  private DeltaLogStores() {}

  /** The Spark settings that select {@code env}'s log store; none for the default or no S3. */
  public static Map<String, String> sparkConf(Environment env) {
    Map<String, String> conf = new LinkedHashMap<>();
    S3Settings s3 = env.storage().s3();
    if (s3 == null) {
      return conf;
    }
    switch (s3.logStoreOrDefault()) {
      case EnvironmentProperties.S3_LOG_STORE_CONDITIONAL_WRITES ->
          conf.put(S3A_LOG_STORE, S3ConditionalWriteLogStore.class.getName());
      case EnvironmentProperties.S3_LOG_STORE_DYNAMODB -> {
        conf.put(S3A_LOG_STORE, "io.delta.storage.S3DynamoDBLogStore");
        conf.put(DYNAMODB_PREFIX + "ddb.tableName", s3.dynamodb().table());
        String region = s3.dynamodb().region() != null ? s3.dynamodb().region() : s3.region();
        if (region != null && !region.isBlank()) {
          conf.put(DYNAMODB_PREFIX + "ddb.region", region);
        }
      }
      default -> {}
    }
    return conf;
  }
}
