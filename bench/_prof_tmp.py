import os, cProfile, pstats
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from django.contrib.auth import get_user_model
from judging.models import Stage
from results import ranking
office = get_user_model().objects.filter(is_superuser=True).first()
stage = Stage.objects.get(award__programme__slug="bench", award__slug="ranking")
ranking._stage_results(stage, office, order_by="raw", blind=False, criterion_agreement=False)
cProfile.run('ranking._stage_results(stage, office, order_by="raw", blind=False, criterion_agreement=False)', "/tmp/prof.out")
p = pstats.Stats("/tmp/prof.out"); p.sort_stats("cumulative").print_stats(35)
