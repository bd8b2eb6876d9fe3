"""The last stages: format the rendered files, write them atomically, record manifests and caches."""
