package lakeops.monitoring;

/** The kind of model an inference-log monitor watches, which decides its quality metrics. */
enum ProblemType {
  /** Accuracy, precision, recall, F1, ROC AUC, log loss, confusion matrix. */
  CLASSIFICATION,
  /** MAE, MSE, RMSE, R², MAPE. */
  REGRESSION
}
