"""Helpers for tests/test_browser.py: find a headless browser, start JupyterLab the way ``make lab``
does, and check what a student sees in it (cells rendered, every image loaded, every link alive).

The checks return lists of readable problems (empty when all is well), so the tests can show
them and the test of the test can assert that a broken image is reported.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INSTALL_HINT = (
    "no headless browser: install Chromium and its driver (Debian/Ubuntu: "
    "`apt-get install -y chromium chromium-driver`) and selenium (`pip install selenium`, "
    "part of the dev extras)"
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1400,1000",
)
START_TIMEOUT_S = 180  # JupyterLab start, and the first page load, on a busy 2-core machine
RENDER_TIMEOUT_S = 180  # one notebook rendered, its images settled


# ----------------------------------------------------------------------------- the browser


@dataclass(frozen=True)
class Browser:
    chromium: str
    chromedriver: str


def find_browser() -> Browser | str:
    """Chromium and chromedriver paths, or the reason they cannot be used (with how to install)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return INSTALL_HINT + " (selenium is not installed)"
    chromium = next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None
    )
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        return INSTALL_HINT
    return Browser(chromium, driver)


def start_driver(browser: Browser, profile_dir: Path):
    """A headless Chromium driven by selenium, with a fresh profile in ``profile_dir``."""
    os.environ.setdefault("SE_AVOID_STATS", "true")  # selenium never phones home
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser.chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    driver = webdriver.Chrome(service=Service(browser.chromedriver), options=options)
    driver.set_page_load_timeout(START_TIMEOUT_S)
    driver.set_script_timeout(RENDER_TIMEOUT_S)
    return driver


def poll(check: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Call ``check`` until it returns something truthy (returned) or ``timeout`` s pass (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


# ----------------------------------------------------------------------------- JupyterLab


def lab_options(makefile: Path = ROOT / "Makefile") -> list[str]:
    """The options ``make lab`` passes to ``jupyter lab`` (its ``LAB_OPTS`` line), ``$(CURDIR)`` filled in."""
    for line in makefile.read_text(encoding="utf-8").splitlines():
        if line.replace(" ", "").startswith("LAB_OPTS="):
            value = line.split("=", 1)[1].replace("$(CURDIR)", str(makefile.parent))
            return shlex.split(value)
    raise AssertionError(f"{makefile} has no LAB_OPTS line for `make lab`")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server started like ``make lab`` on a free loopback port, without token or password.

    Its runtime, config, settings and workspace folders are private (in ``work``); notebooks
    render with every cell attached (windowing off), so every image is in the page.
    """

    def __init__(self, work: Path, options: list[str] | None = None) -> None:
        self.work = work
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.options = lab_options() if options is None else options
        self.log_path = work / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Lab":
        # every cell attached to the page (no windowing), and never a save: the lessons are read only
        for plugin, values in (("notebook-extension/tracker", {"windowingMode": "none"}),
                               ("docmanager-extension/plugin", {"autosave": False})):
            target = self.work / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"), ("IPYTHONDIR", "ipython")):
            env[var] = str(self.work / sub)
        cmd = [
            sys.executable, "-m", "jupyterlab", *self.options,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--LabApp.user_settings_dir={self.work / 'settings'}",
            f"--LabApp.workspaces_dir={self.work / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # CI containers run as root
        log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        if not poll(self._ready, START_TIMEOUT_S, interval=0.5):
            self.stop()
            raise RuntimeError(f"JupyterLab did not start within {START_TIMEOUT_S} s:\n{self.log_tail()}")
        return self

    def _ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log_tail()}")
        return self.get("/api/status") == 200

    def get(self, path: str) -> int:
        """HTTP status of a GET on the server. With auth disabled, the API answers 403 unless the
        request names the page it comes from, as a browser does: hence the Referer."""
        request = urllib.request.Request(self.url + path, headers={"Referer": self.url + "/lab"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError:
            return 0

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server (it shuts its kernels down); kill it if it does not stop in 30 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


# ----------------------------------------------------------------------------- what a page shows

# In the page: the panel's cells, rendered Markdown cells, images and local links.
_PANEL_STATE = """
const panel = document.getElementById(arguments[0]);
if (!panel) return null;
const dialog = document.querySelector('.jp-Dialog');
return {
  cells: panel.querySelectorAll('.jp-Notebook .jp-Cell').length,
  markdown: panel.querySelectorAll('.jp-MarkdownCell.jp-mod-rendered').length,
  images: Array.from(panel.querySelectorAll('.jp-Cell img')).map(i => ({
      src: i.getAttribute('src') || '', complete: i.complete, width: i.naturalWidth, alt: i.getAttribute('alt') || ''})),
  links: Array.from(panel.querySelectorAll('.jp-MarkdownCell a[href]')).map(a => a.getAttribute('href')),
  norenderer: (panel.innerText.match(/No renderer could be found[^\\n]*/g) || []),
  dialog: dialog ? dialog.innerText.slice(0, 300) : '',
};
"""

# In the page: open a file with JupyterLab's document manager, without starting a kernel, after
# closing every other document (unsaved: the test never writes a lesson) and shutting down any
# kernel still running.
_OPEN = """
const [path, done] = arguments;
const app = window.jupyterapp;
(async () => {
  for (const w of Array.from(app.shell.widgets('main'))) {  // close without saving or asking
    if (w.context && w.context.model) { w.context.model.dirty = false; }
    w.dispose();
  }
  await app.serviceManager.sessions.refreshRunning();
  for (const s of Array.from(app.serviceManager.sessions.running())) {
    await app.serviceManager.sessions.shutdown(s.id);
  }
  const kernelPreference = {shouldStart: false, canStart: false, autoStartDefault: false};  // no kernel
  const widget = await app.commands.execute('docmanager:open', {path, kernelPreference});
  await widget.context.ready;
  done({id: widget.id});
})().catch(err => done({error: String(err)}));
"""

# In the page: the HTTP status of each URL (same origin, so the browser's Referer is sent).
_STATUS = """
const [urls, done] = arguments;
Promise.all(urls.map(u => fetch(u, {method: 'HEAD', credentials: 'same-origin'})
    .then(r => r.status).catch(e => 0))).then(done);
"""

# In a static page: images and relative links.
_STATIC_STATE = """
return {
  ready: document.readyState,
  images: Array.from(document.images).map(i => ({
      src: (i.getAttribute('src') || '').slice(0, 200), complete: i.complete, width: i.naturalWidth})),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
};
"""


def _is_relative(url: str) -> bool:
    from course_utils.nblinks import is_relative

    return is_relative(url)


def _image_problems(images: list[dict], where: str) -> list[str]:
    out = []
    for img in images:
        src = img["src"]
        short = src if not src.startswith("data:") else src[:40] + "..."
        if not img["complete"]:
            out.append(f"{where}: image {short!r} did not finish loading")
        elif img["width"] == 0:
            out.append(f"{where}: image {short!r} failed to load (naturalWidth 0)")
    return out


def _settled(images: list[dict]) -> bool:
    """Every image finished (loaded or failed) and none still waits for JupyterLab to resolve its path."""
    return all(i["complete"] and not _is_relative(i["src"]) for i in images)


class LabPage:
    """One JupyterLab page in the browser; :meth:`check` opens notebooks in it one after another."""

    def __init__(self, driver: Any, lab: Lab) -> None:
        self.driver = driver
        self.lab = lab
        driver.get(f"{lab.url}/lab?reset")
        ready = poll(lambda: driver.execute_script("return !!(window.jupyterapp && window.jupyterapp.started)"),
                     START_TIMEOUT_S)
        if not ready:
            raise RuntimeError(f"JupyterLab did not start in the browser within {START_TIMEOUT_S} s")
        driver.execute_async_script("const done = arguments[0]; window.jupyterapp.restored.then(() => done(true));")

    def page_config(self) -> dict:
        return json.loads(self.driver.execute_script(
            "return document.getElementById('jupyter-config-data').textContent"))

    def check(self, notebook: Path) -> list[str]:
        """Open ``notebook`` (a file under the server root) and list what is wrong with it in the page:
        not rendered, an image that does not load, a local link to nothing."""
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        n_cells = len(nb["cells"])
        n_markdown = sum(c["cell_type"] == "markdown" for c in nb["cells"])
        rel = notebook.resolve().relative_to(ROOT).as_posix()
        opened = self.driver.execute_async_script(_OPEN, rel)
        if "error" in opened:
            return [f"{rel}: JupyterLab could not open it: {opened['error']}"]

        def state() -> dict | None:
            s = self.driver.execute_script(_PANEL_STATE, opened["id"])
            if s and (s["dialog"] or (s["cells"] == n_cells and s["markdown"] == n_markdown and _settled(s["images"]))):
                return s
            return None

        final = poll(state, RENDER_TIMEOUT_S)
        if final is None:
            s = self.driver.execute_script(_PANEL_STATE, opened["id"]) or {}
            problems = [
                f"{rel}: not rendered within {RENDER_TIMEOUT_S} s "
                f"({s.get('cells', 0)} of {n_cells} cells, {s.get('markdown', 0)} of {n_markdown} Markdown cells rendered)"
            ]
            return problems + _image_problems(s.get("images", []), rel)
        if final["dialog"]:
            return [f"{rel}: JupyterLab showed a dialog instead of the notebook: {final['dialog']!r}"]
        problems = _image_problems(final["images"], rel)
        problems += [f"{rel}: an output has no renderer: {t}" for t in final["norenderer"]]
        local = [h for h in final["links"] if h.startswith(self.lab.url + "/files/") or h.startswith("/files/")]
        if local:
            statuses = self.driver.execute_async_script(_STATUS, local)
            problems += [
                f"{rel}: link {h.split('?')[0]!r} answers HTTP {code}" for h, code in zip(local, statuses) if code != 200
            ]
        problems += [f"{rel}: link {h!r} was left unresolved" for h in final["links"] if _is_relative(h)]
        return problems


def check_static_page(driver: Any, page: Path, min_images: int = 0) -> list[str]:
    """Open an HTML file (``file://``) in a new tab and list images that do not load, relative links to
    nothing, and fewer than ``min_images`` images shown. The tab is closed afterwards, so a JupyterLab
    page in the first tab stays."""
    home = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        return _check_static_page(driver, page, min_images)
    finally:
        driver.close()
        driver.switch_to.window(home)


def _check_static_page(driver: Any, page: Path, min_images: int) -> list[str]:
    driver.get(page.resolve().as_uri())

    def state() -> dict | None:
        s = driver.execute_script(_STATIC_STATE)
        return s if s["ready"] == "complete" and all(i["complete"] for i in s["images"]) else None

    final = poll(state, RENDER_TIMEOUT_S) or driver.execute_script(_STATIC_STATE)
    problems = _image_problems(final["images"], page.name)
    shown = sum(1 for image in final["images"] if image["complete"] and image["width"] > 0)
    if shown < min_images:
        problems.append(f"{page.name}: {shown} image(s) shown, expected at least {min_images}")
    from course_utils.nblinks import target_of

    for href in final["links"]:
        if _is_relative(href) and not target_of(href, page.parent).exists():
            problems.append(f"{page.name}: link {href!r} points at nothing")
    return problems


def scratch_folder() -> Path:
    """A fresh folder under ``build/`` (inside the server root, so JupyterLab can open its files)."""
    parent = ROOT / "build"
    parent.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="browser-test-", dir=parent))
