from tests.judging.conftest import panel  # noqa: F401  (the same judging panel to test against)
