"""A Spark Connect client in its own process, as a user runs one: reads the lake through the SQL
endpoint and tries what it must not do. Prints one JSON object per check on stdout.

    python connect_client.py read REMOTE TABLE...
    python connect_client.py attack REMOTE PROD_ROOT
    python connect_client.py token REMOTE_WITHOUT_TOKEN REMOTE_WITH_WRONG_TOKEN
"""
import json
import sys

from pyspark.sql import SparkSession


def report(check, ok, detail=""):
    print(json.dumps({"check": check, "ok": ok, "detail": str(detail).splitlines()[0] if detail else ""}),
          flush=True)


def session(remote):
    return SparkSession.builder.remote(remote).create()


def refused(spark, check, action):
    """Runs action; reports ok=True with the first line of the error when it is refused."""
    try:
        result = action()
        if hasattr(result, "collect"):
            result.collect()
        report(check, False, "allowed")
    except Exception as error:  # the server's error, as the client sees it
        report(check, True, getattr(error, "getMessage", lambda: str(error))())


def read(remote, tables):
    spark = session(remote)
    for table in tables:
        try:
            rows = spark.sql(f"SELECT count(*) AS n FROM {table}").collect()[0]["n"]
            report("read " + table, rows > 0, rows)
        except Exception as error:
            report("read " + table, False, error)
    report("current catalog", True, spark.sql("SELECT current_catalog()").collect()[0][0])
    spark.stop()


def attack(remote, prod_root):
    spark = session(remote)
    report("reads prod", spark.sql("SELECT count(*) FROM prod.monitoring.flights_drift_metrics")
           .collect()[0][0] > 0)
    refused(spark, "INSERT INTO prod",
            lambda: spark.sql("INSERT INTO prod.monitoring.alerts SELECT * FROM prod.monitoring.alerts"))
    refused(spark, "CREATE TABLE prod.x.y",
            lambda: spark.sql("CREATE TABLE prod.monitoring.sneaky AS SELECT 1 AS id"))
    refused(spark, "saveAsTable prod.x.y",
            lambda: spark.range(3).write.format("delta").saveAsTable("prod.monitoring.sneaky2"))
    refused(spark, "write by path into prod's root",
            lambda: spark.range(3).write.format("delta").mode("overwrite")
            .save(prod_root + "/monitoring/sneaky_path"))
    refused(spark, "SQL SET spark.lakeops.access.write",
            lambda: spark.sql("SET spark.lakeops.access.write=dev,prod"))
    refused(spark, "conf.set spark.lakeops.access.write",
            lambda: spark.conf.set("spark.lakeops.access.write", "dev,prod"))
    refused(spark, "conf.set spark.sql.catalog.prod",
            lambda: spark.conf.set("spark.sql.catalog.prod",
                                   "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
    refused(spark, "conf.unset spark.lakeops.environment",
            lambda: spark.conf.unset("spark.lakeops.environment"))
    # A catalog of the client's own naming over prod's root: whatever the client wires, a write
    # into prod's storage stays refused.
    spark.conf.set("spark.sql.catalog.mine", "lakeops.catalog.EnvironmentCatalog")
    spark.conf.set("spark.sql.catalog.mine.root", prod_root)
    refused(spark, "write through a catalog of the client's own",
            lambda: spark.sql("INSERT INTO mine.monitoring.alerts SELECT * FROM mine.monitoring.alerts"))
    refused(spark, "create through a catalog of the client's own",
            lambda: spark.sql("CREATE TABLE mine.monitoring.sneaky_mine AS SELECT 1 AS id"))
    other = session(remote)
    refused(other, "a second client session: INSERT INTO prod",
            lambda: other.sql("INSERT INTO prod.monitoring.alerts SELECT * FROM prod.monitoring.alerts"))
    if hasattr(spark, "cloneSession"):
        clone = spark.cloneSession()
        refused(clone, "cloned session: CREATE TABLE prod.x.y",
                lambda: clone.sql("CREATE TABLE prod.monitoring.sneaky3 AS SELECT 1 AS id"))
    report("policy environment", True, spark.conf.get("spark.lakeops.environment"))
    other.stop()
    spark.stop()


def token(without, wrong):
    for check, remote in (("no token", without), ("wrong token", wrong)):
        try:
            spark = session(remote)
            spark.sql("SELECT 1").collect()
            report(check, False, "allowed")
        except Exception as error:
            report(check, True, error)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "read":
        read(sys.argv[2], sys.argv[3:])
    elif mode == "attack":
        attack(sys.argv[2], sys.argv[3])
    elif mode == "token":
        token(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit("unknown mode " + mode)
