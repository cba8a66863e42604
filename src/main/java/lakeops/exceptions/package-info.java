/** The exceptions LakeOps raises for user errors; each prints as one self-explaining line. */
package lakeops.exceptions;
