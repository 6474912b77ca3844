# The judging panel fixtures (`panel`, `scored`) live in tests/panels.py, shared through tests/conftest.py.
