"""What the growth tables measure (bench/growth.py), importable without setting Django up."""

JUDGES, PER_ENTRY = 40, 5

KINDS = [
    ("ranking_first", "Chair: ranking page, a new process's first request (median of 3)"),
    ("ranking_cold", "Chair: ranking page, computed (nothing kept; median of 3)"),
    ("ranking_cached", "Chair: ranking page, again (cached)"),
    ("progress", "Chair: progress page"),
    ("queue", "Judge: queue page"),
    ("export_ranking_csv", "Export: ranking, CSV"),
    ("export_ranking_xlsx", "Export: ranking, XLSX"),
    ("export_scores_csv", "Export: all scores, CSV"),
    ("export_scores_xlsx", "Export: all scores, XLSX"),
    ("pack_50", "Shortlist pack, 50 selected"),
]
