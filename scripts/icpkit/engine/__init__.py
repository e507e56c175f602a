"""The engine: the handbook model, the operator table, evaluation, explanation and rule tests.

Pure Python; imports no third-party library."""
