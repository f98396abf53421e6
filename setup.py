"""The package list, the one thing pyproject.toml cannot declare here: the packages found under
microsolidarity_widgets/ plus the notebooks' folder, which ``[tool.setuptools.package-dir]`` maps from
the top-level workbooks/ into the package. And one build step: the translations' catalogs (.po, the
sources kept in git) compiled into the .mo files the workbook reads, so a wheel carries them."""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py


class build_py_with_catalogs(build_py):
    """Copies the package as usual, then compiles each language's catalog into the copy."""

    def run(self):
        super().run()
        # Babel is a build requirement (pyproject.toml), so an isolated build has it.
        from babel.messages import mofile, pofile

        for po in Path("microsolidarity_widgets/locale").glob("*/LC_MESSAGES/*.po"):
            target = Path(self.build_lib) / po.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source, target.open("wb") as out:
                mofile.write_mo(out, pofile.read_po(source))


setup(packages=find_namespace_packages(include=["microsolidarity_widgets*"]) + ["microsolidarity_widgets.workbooks"],
      cmdclass={"build_py": build_py_with_catalogs})
