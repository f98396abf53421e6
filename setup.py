"""The package list, the one thing pyproject.toml cannot declare here: the packages found under
microsolidarity_widgets/ plus the notebooks' folder, which ``[tool.setuptools.package-dir]`` maps from
the top-level workbooks/ into the package."""

from setuptools import find_namespace_packages, setup

setup(packages=find_namespace_packages(include=["microsolidarity_widgets*"]) + ["microsolidarity_widgets.workbooks"])
