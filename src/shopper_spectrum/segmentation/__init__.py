"""Customer segmentation: log-scaled RFM, KMeans, and segment names derived from the centroids.

Import from the submodules (model, naming, diagnostics, profiles). This file imports none of
them: dbt runs two Python models at once, and while one entered through segmentation.model
(holding its import lock, waiting for the package) the other initialised the package, whose
imports then waited for segmentation.model: a deadlock (tests/test_python_model_imports.py).
"""
