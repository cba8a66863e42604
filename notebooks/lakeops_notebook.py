"""What every LakeOps notebook shares: a session on the SQL endpoint (Spark Connect), the catalog
to read, and tables that may not exist yet.

The notebooks read the lake only through the endpoint (`lakeops sql-server`), never through
copies. Settings, from the process environment:

    LAKEOPS_SQL_REMOTE   the endpoint (default sc://127.0.0.1:15002; with a token:
                         sc://localhost:15002/;token=...)
    LAKEOPS_CATALOG      the environment whose tables are read (default: the endpoint's)
    MLFLOW_TRACKING_URI  the MLflow tracking server (default http://127.0.0.1:5055)
"""
import os

from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession

REMOTE_ENV = "LAKEOPS_SQL_REMOTE"
REMOTE_DEFAULT = "sc://127.0.0.1:15002"
CATALOG_ENV = "LAKEOPS_CATALOG"
TRACKING_URI_DEFAULT = "http://127.0.0.1:5055"


def connect():
    """The Spark Connect session on the SQL endpoint, and the catalog the notebook reads."""
    remote = os.environ.get(REMOTE_ENV, REMOTE_DEFAULT)
    spark = SparkSession.builder.remote(remote).getOrCreate()
    endpoint_environment = spark.conf.get("spark.lakeops.environment")
    catalog = os.environ.get(CATALOG_ENV) or endpoint_environment
    print(f"SQL endpoint {remote.split('/;')[0]} (environment {endpoint_environment}); "
          f"reading catalog {catalog}")
    return spark, catalog


def table(spark, name):
    """The table called name, or None after saying that it does not exist yet."""
    try:
        frame = spark.table(name)
        frame.schema  # analyzed here: a missing table or schema fails now
        return frame
    except AnalysisException as error:
        if "TABLE_OR_VIEW_NOT_FOUND" in str(error) or "SCHEMA_NOT_FOUND" in str(error):
            print(f"{name} does not exist yet: nothing to show here.")
            return None
        raise


def tracking_uri():
    """The MLflow tracking server the notebooks ask."""
    return os.environ.get("MLFLOW_TRACKING_URI", TRACKING_URI_DEFAULT)
