import os, time, pickle, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from django.contrib.auth import get_user_model
from django.core.cache import cache
from judging.models import Stage
from results import ranking
office = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create(username="bench-office", is_superuser=True, is_staff=True)
stage = Stage.objects.get(award__programme__slug="bench", award__slug="ranking")
for label in ("cold", "cached", "cached"):
    t = time.perf_counter(); r = ranking.stage_results(stage, office); print(label, round(time.perf_counter()-t, 3), len(r.rows))
t = time.perf_counter(); r = ranking._stage_results(stage, office, order_by="raw", blind=False, criterion_agreement=False); print("compute only", round(time.perf_counter()-t,3))
b = pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL); print("pickle MB", round(len(b)/1e6,1))
t = time.perf_counter(); pickle.loads(b); print("unpickle", round(time.perf_counter()-t,3))
print("peak MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)
