"""``python -m course_utils.report results-doc ...``: see :mod:`course_utils.report.results_doc`."""

from .results_doc import main

raise SystemExit(main())
