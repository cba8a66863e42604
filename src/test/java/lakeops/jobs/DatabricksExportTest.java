package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;

class DatabricksExportTest {

  @Test
  void exportsTheTrainingJobAsJobsApiSettings() throws Exception {
    LakeOpsHome project = LakeOpsHome.at(TestHome.projectDir());
    JobSpec job = JobSpecs.load(project.root().resolve("jobs/training.yml"));
    String json =
        DatabricksExport.toJson(
            job, Environments.load(project).get("prod"), DatabricksExport.Target.defaults());
    JsonNode settings = new ObjectMapper().readTree(json);
    assertThat(settings.path("name").asText()).isEqualTo("training");
    assertThat(settings.path("parameters").get(0).path("name").asText()).isEqualTo("model");
    JsonNode first = settings.path("tasks").get(0);
    assertThat(first.path("task_key").asText()).isEqualTo("train");
    assertThat(first.path("spark_jar_task").path("main_class_name").asText())
        .isEqualTo("lakeops.cli.LakeOps");
    assertThat(first.path("spark_jar_task").path("parameters").get(0).asText()).isEqualTo("train");
    assertThat(first.path("spark_jar_task").path("parameters").get(2).asText()).isEqualTo("prod");
    assertThat(first.path("libraries").get(0).path("jar").asText()).endsWith("lakeops-jobs.jar");
    assertThat(first.path("max_retries").asInt()).isEqualTo(1);
    JsonNode last = settings.path("tasks").get(2);
    assertThat(last.path("task_key").asText()).isEqualTo("promote");
    assertThat(last.path("depends_on").get(0).path("task_key").asText()).isEqualTo("validate");
    assertThat(last.path("run_if").asText()).isEqualTo("ALL_SUCCESS");
    assertThat(last.path("spark_jar_task").path("parameters").toString())
        .contains("\"deploy\",\"promote\"", "{{job.run_id}}");
    JsonNode cluster = settings.path("job_clusters").get(0);
    assertThat(cluster.path("job_cluster_key").asText()).isEqualTo("training");
    assertThat(cluster.path("new_cluster").path("num_workers").asInt()).isEqualTo(2);
    assertThat(
            cluster
                .path("new_cluster")
                .path("spark_conf")
                .path("spark.sql.shuffle.partitions")
                .asText())
        .isEqualTo("4");
    assertThat(settings.path("schedule").path("quartz_cron_expression").asText())
        .isEqualTo("0 0 3 ? * SUN");
    assertThat(settings.path("schedule").path("pause_status").asText()).isEqualTo("UNPAUSED");
  }
}
