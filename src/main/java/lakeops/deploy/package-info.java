/**
 * Deployment: compliance checks and a champion/challenger comparison on the same holdout ({@code
 * conf/deployment/<model>.yml}), promotion of the {@code champion} alias with an optional human
 * approval, rejection, rollback, copies of versions between environments' registries, and an audit
 * row per decision in {@code <env>.ml.deployments}.
 */
package lakeops.deploy;
