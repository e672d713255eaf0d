"""Python baselines for event clustering on MStream's JSONL (News.jsonl).

Usual routes with scikit-learn, k unknown (as in a stream):
  * single-pass: TF-IDF (fitted on the whole file, which favours the
    baseline) + cosine-threshold leader clustering over documents in
    arrival order against running centroids;
  * agglomerative (average linkage, cosine, distance threshold) on the
    same TF-IDF, a batch method given the whole file at once.
Prints NMI (arithmetic mean, sklearn default) and time for each; the
thresholds are the best of a small grid on the same labels (favouring the
baseline again), and the grid is printed too.
Usage: python cluster_baseline.py FILE
"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score


def load(path):
    texts, gold = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            texts.append(rec["textCleaned"])
            gold.append(str(rec["clusterNo"]))
    return texts, gold


def single_pass(x, threshold):
    """Leader clustering: join the most similar centroid if cosine >= threshold."""
    centroids = []  # dense rows are fine at this size; kept as sums
    sums = None
    labels = []
    for i in range(x.shape[0]):
        row = x[i].toarray().ravel()
        if sums is not None and len(centroids):
            norms = np.linalg.norm(sums, axis=1)
            sims = sums @ row / np.maximum(norms, 1e-12)
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                sums[best] += row
                labels.append(best)
                continue
        sums = row[None, :] if sums is None else np.vstack([sums, row])
        centroids.append(len(centroids))
        labels.append(len(centroids) - 1)
    return labels


def main():
    path = sys.argv[1]
    texts, gold = load(path)
    t0 = time.process_time()
    x = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True).fit_transform(texts)
    t_vec = time.process_time() - t0

    grid = []
    for th in (0.2, 0.3, 0.4, 0.5):
        t0 = time.process_time()
        labels = single_pass(x, th)
        dt = time.process_time() - t0 + t_vec
        grid.append(("single-pass", th, normalized_mutual_info_score(gold, labels), len(set(labels)), dt))
    for th in (0.7, 0.8, 0.9):
        t0 = time.process_time()
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=th
        )
        labels = model.fit_predict(x.toarray())
        dt = time.process_time() - t0 + t_vec
        grid.append(("agglomerative", th, normalized_mutual_info_score(gold, labels), len(set(labels)), dt))
    for name, th, nmi, k, dt in grid:
        print(f"  {name:<14} threshold {th:.2f}: NMI {nmi:.3f}, {k} clusters, {dt:.2f} CPU-s")
    for method in ("single-pass", "agglomerative"):
        best = max((g for g in grid if g[0] == method), key=lambda g: g[2])
        print(f"PY {method}: best NMI {best[2]:.3f} (threshold {best[1]}), {best[3]} clusters, "
              f"{best[4]:.2f} CPU-s for {len(texts)} docs")


if __name__ == "__main__":
    main()
