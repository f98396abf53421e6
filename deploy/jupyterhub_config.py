"""JupyterHub for a congregation: every facilitator logs in and gets the workbook pages (Voilà),
all writing to one shared PostgreSQL ledger.

    MICROSOLIDARITY_LEDGER=postgresql://ledger:…@127.0.0.1/congregation \
    MICROSOLIDARITY_HUB_PASSWORD=… jupyterhub -f deploy/jupyterhub_config.py

Everything a host changes is an environment variable (see deploy/README.md):

MICROSOLIDARITY_LEDGER         the shared ledger's URL (required; a postgresql:// URL)
MICROSOLIDARITY_HUB_URL        where members reach the hub (default http://127.0.0.1:8000)
MICROSOLIDARITY_HUB_PASSWORD   the shared password of the simple login (at least 8 characters)
MICROSOLIDARITY_HUB_USERS      comma-separated user names allowed to log in (default: anyone with the password)
MICROSOLIDARITY_HUB_STATE      folder for the hub's own files, members' homes and the chart cache
                               (default: the folder the hub is started in)
MICROSOLIDARITY_HUB_PORTS      "HUB_API,PROXY_API": loopback ports of the hub's internal APIs (default 8081,8001)
MICROSOLIDARITY_HUB_START      the page a member lands on (default /voila/render/01_crew.ipynb)
MICROSOLIDARITY_HUB_AUTH       "shared-password" (default) or the name or class of another
                               authenticator, e.g. "pam", "nativeauthenticator.NativeAuthenticator"
MICROSOLIDARITY_HUB_SPAWNER    "simple" (default: every member's pages run as the hub's user) or
                               "localprocess" (each as their own system user; with "pam")
MICROSOLIDARITY_HUB_PROXY      a configurable-http-proxy binary to use instead of the one found
"""

import os
import sys
from pathlib import Path

from microsolidarity_widgets import charts, server, storage

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("MICROSOLIDARITY_HUB_STATE") or os.getcwd()).resolve()
LEDGER = os.environ.get(storage.ENV_VAR, "")
if not storage.is_url(LEDGER) or LEDGER.startswith("sqlite:"):
    # One SQLite file written by many members' kernels at once would work, but slowly and on one disk;
    # a congregation's ledger belongs in a database server.
    sys.exit(f"Set {storage.ENV_VAR} to the congregation's postgresql:// URL before starting the hub.")
storage.Store(LEDGER).dispose()  # fail now, in the host's terminal, rather than on every member's page

hub_api, proxy_api = (int(p) for p in os.environ.get("MICROSOLIDARITY_HUB_PORTS", "8081,8001").split(","))
c.JupyterHub.bind_url = os.environ.get("MICROSOLIDARITY_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub_api}"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# The proxy in front of the hub and the members' servers: the Node.js configurable-http-proxy that
# `make hub` installs beside the virtualenv (or MICROSOLIDARITY_HUB_PROXY), else its pure-Python port
# from pip. The port needs no Node.js but hands a page over only once Voilà has rendered it whole
# (hence the long timeout) and does not pass on the kernel websocket's protocol, so pages fall back
# to an older one.
NODE_PROXY = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
proxy = os.environ.get("MICROSOLIDARITY_HUB_PROXY") or (str(NODE_PROXY) if NODE_PROXY.exists() else None)
c.ConfigurableHTTPProxy.command = [proxy] if proxy else [str(BIN / "configurable-http-proxy"), "--proxy-timeout=300000"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- who may log in -------------------------------------------------------------------------
auth = os.environ.get("MICROSOLIDARITY_HUB_AUTH", "shared-password")
c.JupyterHub.authenticator_class = auth
if auth == "shared-password":
    c.SharedPasswordAuthenticator.user_password = os.environ.get("MICROSOLIDARITY_HUB_PASSWORD", "")
users = {u.strip() for u in os.environ.get("MICROSOLIDARITY_HUB_USERS", "").split(",") if u.strip()}
if users:
    c.Authenticator.allowed_users = users
else:
    c.Authenticator.allow_all = True

# --- what each member gets: the workbook pages, nothing else ---------------------------------
# Members share one system account here; "pam" with c.JupyterHub.spawner_class = "localprocess"
# gives each a system user of their own instead (see deploy/README.md).
c.JupyterHub.spawner_class = os.environ.get("MICROSOLIDARITY_HUB_SPAWNER", "simple")
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "users" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
# Its settings come from this folder (JUPYTER_CONFIG_PATH below): jupyter_server_config.py and voila.py.
c.Spawner.args = []
if os.geteuid() == 0 and c.JupyterHub.spawner_class == "simple":
    # Only for throw-away test machines where everything runs as root; see deploy/README.md.
    c.Spawner.args.append("--allow-root")
c.Spawner.notebook_dir = str(server.workbooks_dir())
# Not Voilà's list of pages (/voila/tree): without a kernel its widget plugins fail in the browser.
c.Spawner.default_url = os.environ.get("MICROSOLIDARITY_HUB_START", "/voila/render/01_crew.ipynb")
cache = STATE / "cache"
os.environ[charts.CACHE_ENV] = str(cache)
charts.build_bundle()  # once for everyone, not once per member's first page
c.Spawner.environment = {
    storage.ENV_VAR: LEDGER,
    charts.CACHE_ENV: str(cache),
    # Our Voilà template and the kernel spec that logs page errors instead of showing them.
    "JUPYTER_PATH": str(server.JUPYTER_DATA),
    # voila.py here: where Voilà looks for its page settings (it ignores them in the server's config).
    "JUPYTER_CONFIG_PATH": str(HERE),
    "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "/usr/bin:/bin")]),
}
# A member's server with no page open for an hour is stopped; it restarts when they come back.
c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
c.JupyterHub.services = [{"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                                                              "--timeout=3600"]}]
