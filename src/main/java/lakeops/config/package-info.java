/**
 * Reading LakeOps' YAML configuration files (environments, jobs, …) strictly, with clear errors.
 */
package lakeops.config;
