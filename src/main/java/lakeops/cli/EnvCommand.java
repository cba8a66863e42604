package lakeops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.env.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lakeops env}: look at environments. */
@Command(name = "env", description = "Show environments.",
    subcommands = {EnvCommand.Show.class, EnvCommand.ListEnvironments.class})
final class EnvCommand {

  /** Keys whose values are secrets: printed masked. */
  static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|token|credential|access[._]?key|session[._]?key).*");

  static final String MASK = "****";

  /** {@code lakeops env show --env dev}: the resolved environment with secrets masked. */
  @Command(name = "show", description = "Print an environment's resolved settings, secrets masked.")
  static final class Show implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Override
    public Integer call() throws Exception {
      Environments environments = Environments.load(LakeOpsHome.current());
      Environment environment = environments.get(env.name);
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
      ObjectNode tree = yaml.valueToTree(environment);
      tree.put("file", environment.file().toString());
      tree.putPOJO("spark_session_conf", SessionFactory.sparkConf(environments, environment));
      ObjectNode masked = yaml.valueToTree(tree);
      mask(masked);
      System.out.print(yaml.writeValueAsString(masked));
      return 0;
    }
  }

  /** {@code lakeops env list}: the environments of the project and what each may read and write. */
  @Command(name = "list", description = "List the environments of this project.")
  static final class ListEnvironments implements Callable<Integer> {
    @Override
    public Integer call() {
      Environments environments = Environments.load(LakeOpsHome.current());
      for (Environment env : environments.all().values()) {
        System.out.printf("%-10s root=%s read=%s write=%s%n", env.name(), env.storageRoot(),
            env.catalogs().read(), env.catalogs().write());
      }
      return 0;
    }
  }

  static void mask(ObjectNode node) {
    Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = fields.next();
      if (field.getValue() instanceof ObjectNode child) {
        mask(child);
      } else if (SECRET_KEY.matcher(field.getKey()).matches() && !field.getValue().isNull()) {
        field.setValue(node.textNode(MASK));
      }
    }
  }
}
