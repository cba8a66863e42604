"""The scipy oracle of DriftStatisticsScipyTest: reads the samples the test wrote, prints scipy's
numbers as JSON. Argument: the folder holding ref.txt, cur.txt, ref_cat.txt, cur_cat.txt."""
import json
import sys
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

folder = Path(sys.argv[1])
ref = np.loadtxt(folder / "ref.txt")
cur = np.loadtxt(folder / "cur.txt")
ref_cat = (folder / "ref_cat.txt").read_text().split()
cur_cat = (folder / "cur_cat.txt").read_text().split()

ks = stats.ks_2samp(ref, cur)
ks_asymp = stats.ks_2samp(ref, cur, method="asymp")
n1, n2 = len(ref), len(cur)
en = n1 * n2 / (n1 + n2)
edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
p = np.histogram(ref, bins=edges)[0] / n1
q = np.histogram(cur, bins=edges)[0] / n2
p_psi = np.where(p == 0, 1e-4, p)
q_psi = np.where(q == 0, 1e-4, q)

categories = sorted(set(ref_cat) | set(cur_cat))
table = np.array([[ref_cat.count(c) for c in categories], [cur_cat.count(c) for c in categories]])
chi2 = stats.chi2_contingency(table)
pc = table[0] / table[0].sum()
qc = table[1] / table[1].sum()

print(json.dumps({
    "ks_statistic": float(ks.statistic),
    "ks_pvalue_kolmogorov": float(stats.kstwobign.sf(ks.statistic * np.sqrt(en))),
    "ks_pvalue_scipy_asymp": float(ks_asymp.pvalue),
    "wasserstein": float(stats.wasserstein_distance(ref, cur)),
    "js_numeric": float(jensenshannon(p, q, base=2)),
    "psi": float(np.sum((q_psi - p_psi) * np.log(q_psi / p_psi))),
    "bins": int(len(edges) - 1),
    "chi2_statistic": float(chi2.statistic),
    "chi2_pvalue": float(chi2.pvalue),
    "tv": float(0.5 * np.abs(pc - qc).sum()),
    "linf": float(np.abs(pc - qc).max()),
    "js_categorical": float(jensenshannon(pc, qc, base=2)),
}))
