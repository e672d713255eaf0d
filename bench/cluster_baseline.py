"""Python baselines for event clustering on MStream's JSONL (News.jsonl).

Two usual routes with scikit-learn/SciPy when the number of events is
unknown:
  * single pass (first-story detection): TF-IDF, then each document in
    arrival order joins the cluster of its most similar earlier document
    among the last WINDOW ones if the cosine reaches a threshold, else
    founds a new cluster;
  * agglomerative clustering, average linkage on cosine distance, cut at a
    distance threshold (a batch method that sees the whole file at once).
The TF-IDF is fitted on the whole file and thresholds are the best of a
small grid on the same labels: both favour the baselines. Prints NMI
(arithmetic mean, scikit-learn's default) and CPU time; the grid too.
Usage: python cluster_baseline.py FILE
"""
import json
import sys
import time

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score

WINDOW = 4000


def load(path):
    texts, gold = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rec = json.loads(line)
                texts.append(rec["textCleaned"])
                gold.append(str(rec["clusterNo"]))
    return texts, gold


def single_pass(x, thresholds):
    """Labels per threshold from one nearest-earlier-neighbour scan."""
    n = x.shape[0]
    best_sim = np.zeros(n)
    best_prev = np.full(n, -1)
    for i in range(1, n):
        lo = max(0, i - WINDOW)
        sims = (x[lo:i] @ x[i].T).toarray().ravel()
        j = int(np.argmax(sims))
        best_sim[i], best_prev[i] = sims[j], lo + j
    out = {}
    for th in thresholds:
        labels = np.arange(n)
        for i in range(n):
            if best_prev[i] >= 0 and best_sim[i] >= th:
                labels[i] = labels[best_prev[i]]
        out[th] = labels
    return out


def main():
    texts, gold = load(sys.argv[1])
    t0 = time.process_time()
    x = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True).fit_transform(texts)
    t_vec = time.process_time() - t0

    rows = []
    t0 = time.process_time()
    labelled = single_pass(x, (0.2, 0.3, 0.4, 0.5, 0.6))
    dt = time.process_time() - t0 + t_vec
    for th, labels in labelled.items():
        rows.append(("single-pass", th, normalized_mutual_info_score(gold, labels), len(set(labels)), dt))

    t0 = time.process_time()
    sim = (x @ x.T).toarray()
    np.clip(sim, 0.0, 1.0, out=sim)
    dist = 1.0 - sim
    del sim
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    del dist
    dt = time.process_time() - t0 + t_vec
    for th in (0.6, 0.7, 0.8, 0.9, 0.95, 0.98):
        labels = fcluster(tree, t=th, criterion="distance")
        rows.append(("agglomerative", th, normalized_mutual_info_score(gold, labels), len(set(labels)), dt))

    for name, th, nmi, k, dt in rows:
        print(f"  {name:<14} threshold {th:.2f}: NMI {nmi:.3f}, {k} clusters ({dt:.1f} CPU-s for the method)")
    for method in ("single-pass", "agglomerative"):
        best = max((r for r in rows if r[0] == method), key=lambda r: r[2])
        print(f"PY {method}: best NMI {best[2]:.3f} (threshold {best[1]}), {best[3]} clusters, "
              f"{best[4]:.1f} CPU-s for {len(texts)} docs (all thresholds)")


if __name__ == "__main__":
    main()
