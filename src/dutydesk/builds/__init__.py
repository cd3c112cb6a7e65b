"""Build failures ("fixing the build"): results from CI, the red spells of the main branches'
jobs, who is fixing them, and the report of the most frequent and costly failures."""
