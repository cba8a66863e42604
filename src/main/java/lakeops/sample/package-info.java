/**
 * Sample data: the public flight-delay data set {@code flights-3m.parquet} ({@link
 * lakeops.sample.SampleData}) and a seedable synthetic generator of the same shape with drift and
 * bad rows on demand ({@link lakeops.sample.FlightsGenerator}).
 */
package lakeops.sample;
