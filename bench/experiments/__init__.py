"""Prototypes of recommended app changes, measured by the benchmark; not the app.

`bench.experiments.tuned_settings` is the app's settings plus an app whose `ready()`
swaps in the data-access changes recommended in bench/README.md, so their effect can
be measured under the same load before anyone changes klyngepakke/:

    .venv/bin/python bench/survey_load.py --app-settings bench.experiments.tuned_settings
"""
