/**
 * The quickstart: the LakeOps pipeline end to end on embedded defaults, from catalogs to a
 * registered model ({@link lakeops.quickstart.Quickstart}).
 */
package lakeops.quickstart;
