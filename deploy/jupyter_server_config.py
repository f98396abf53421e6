"""Each member's server under the hub: Voilà pages only, the same page settings as `microsolidarity serve`."""

from microsolidarity_widgets import server

c = get_config()  # noqa: F821 - provided by Jupyter Server when it loads this file

# No JupyterLab, no terminals: a member sees the workbook's pages, not a programming environment.
c.ServerApp.jpserver_extensions = {"voila": True, "jupyterlab": False, "jupyter_lsp": False,
                                   "jupyter_server_terminals": False, "notebook_shim": False}
c.ServerApp.terminals_enabled = False
c.ContentsManager.allow_hidden = False
# VoilaConfiguration (the template) lives in voila.py beside this file: Voilà reads it only from there.
c.VoilaExecutor.cell_error_instruction = server.ERROR_NOTE
c.MappingKernelManager.cull_idle_timeout = server.CULL_AFTER
c.MappingKernelManager.cull_interval = server.CULL_EVERY
# Voilà as a server extension would load MathJax from a CDN; the pages need no formulas, and a
# congregation's retreat may have no internet.
# Both must be unset, or Voilà's page falls back to the CDN.
c.ServerApp.tornado_settings = {"mathjax_url": None, "mathjax_config": None}
