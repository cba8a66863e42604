package lakeops.deploy;

/** Names and defaults of deployment: config files, the decisions table, version tags. */
public final class DeployProperties {

  private DeployProperties() {}

  /** Folder of the deployment configs under {@code conf/}: {@code conf/deployment/<model>.yml}. */
  public static final String CONFIG_DIR = "deployment";

  /** Folder of the model configs under {@code conf/}, for a config that names none. */
  public static final String MODEL_CONFIG_DIR = "models";

  /** Table of every decision, in the acting environment's catalog: {@code <env>.ml.deployments}. */
  public static final String DECISIONS_TABLE = "ml.deployments";

  /** Newest labelled rows scored when {@code holdout.rows} is unset. */
  public static final int HOLDOUT_ROWS_DEFAULT = 10_000;

  /** Metric of the champion comparison when {@code compare_to_champion.metric} is unset. */
  public static final String COMPARISON_METRIC_DEFAULT = "areaUnderROC";

  /** Allowed loss against the champion when {@code compare_to_champion.tolerance} is unset. */
  public static final double TOLERANCE_DEFAULT = 0.0;

  /**
   * Environments whose promotions wait for {@code approve} when {@code requires_approval} is unset.
   */
  public static final java.util.Set<String> APPROVAL_DEFAULT_ENVIRONMENTS =
      java.util.Set.of("prod");

  /** Prefix of threshold metrics measured on the holdout ({@code holdout_areaUnderROC}). */
  public static final String HOLDOUT_METRIC_PREFIX = "holdout_";

  /** Version tag: the result of the latest decision about a version (PASSED, PROMOTED…). */
  public static final String STATUS_TAG = "lakeops.deploy.status";

  /** Version tag: the action of the latest decision about a version (validate, promote…). */
  public static final String ACTION_TAG = "lakeops.deploy.action";

  /** Version tag: when the latest decision was made (ISO-8601, UTC). */
  public static final String DECIDED_AT_TAG = "lakeops.deploy.decided_at";

  /** Version tag: who made the latest decision. */
  public static final String ACTOR_TAG = "lakeops.deploy.actor";

  /** Version tag: the comment of the latest decision, if any. */
  public static final String COMMENT_TAG = "lakeops.deploy.comment";

  /** Version tag: the checks of the latest validation ({@code 5/6 passed; failed: …}). */
  public static final String CHECKS_TAG = "lakeops.deploy.checks";

  /** Version tag: the champion a promoted version replaced; what {@code rollback} restores. */
  public static final String PREVIOUS_CHAMPION_TAG = "lakeops.deploy.previous_champion";

  /** Version tag of a copied version: the {@code models:/name/version} it was copied from. */
  public static final String COPIED_FROM_TAG = "lakeops.copied_from";

  /** Registry stage of the champion. */
  public static final String PRODUCTION_STAGE = "Production";

  /** Registry stage of a champion that was replaced. */
  public static final String ARCHIVED_STAGE = "Archived";

  /** Environment variable naming the actor when {@code --actor} is not given. */
  public static final String ACTOR_ENV = "USER";

  /** Name of the check that compares the challenger with the champion. */
  public static final String COMPARISON_CHECK = "champion_comparison";
}
