"""Open pages of a built docs site in headless Chromium and list what a reader would miss.

Used by tests/test_docs.py. Needs selenium (the test extra) and Debian's ``chromium`` and
``chromium-driver`` (.ci/run installs them). The site is served over HTTP from a local
thread, as a reader's browser would get it, so MathJax's fonts load as on a server.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
document.querySelectorAll('img[loading="lazy"]').forEach(i => i.loading = "eager");
const typeset = window.MathJax && MathJax.startup ? MathJax.startup.promise : null;
Promise.resolve(typeset).then(() => done(true), () => done(false));
"""

BROKEN_IMAGES = """
return Array.from(document.images)
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);
"""


def _driver():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        missing = "no chromium/chromedriver: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):  # .ci/run installs them: in CI this test must run
            pytest.fail(missing)
        pytest.skip(missing)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1400")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path)
    return webdriver.Chrome(options=options, service=service)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line per request in the test output
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser that drops a download midway is no problem of the site


def _serve(html):
    handler = functools.partial(_Quiet, directory=str(html))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _internal_links(driver, base):
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);"
    )
    return {h.split("#")[0] for h in hrefs if h.startswith(base)}


def _status(url):
    try:
        request = urllib.request.Request(url, method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def check_page(driver, base, page, screenshots):
    """Problems found on one page (empty if none); saves its screenshot."""
    problems = []
    driver.get(urllib.parse.urljoin(base, page))
    driver.set_script_timeout(60)
    if not driver.execute_async_script(WAIT_FOR_MATHJAX):
        problems.append(f"{page}: MathJax failed")
    text = driver.execute_script("return document.body.innerText;")
    raw = [marker for marker in ("\\(", "\\[") if marker in text]
    if raw:
        problems.append(f"{page}: raw LaTeX left ({', '.join(raw)})")
    formulas = driver.execute_script(
        "return document.querySelectorAll('.math').length;"
    )
    typeset = driver.execute_script(
        "return document.querySelectorAll('mjx-container').length;"
    )
    if formulas and not typeset:
        problems.append(f"{page}: {formulas} formulas, none typeset by MathJax")
    for src in driver.execute_script(BROKEN_IMAGES):
        problems.append(f"{page}: image not loaded: {src}")
    for entry in driver.get_log("browser"):
        if entry["level"] == "SEVERE":
            problems.append(f"{page}: console error: {entry['message']}")
    screenshots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(screenshots / (page.replace("/", "_") + ".png")))
    return problems, typeset, _internal_links(driver, base)


def check_site(html, pages, screenshots):
    """Open ``pages`` of the site in ``html``; a list of problems (empty if none).

    Also asserts that formulas were typeset somewhere: topic pages have them.
    """
    server, base = _serve(Path(html))
    driver = _driver()
    problems, links, typeset_total = [], set(), 0
    try:
        for page in pages:
            found, typeset, page_links = check_page(driver, base, page, screenshots)
            problems += found
            typeset_total += typeset
            links |= page_links
    finally:
        driver.quit()
        for url in sorted(links):
            if _status(url) != 200:
                problems.append(f"broken internal link: {url}")
        server.shutdown()
    if not typeset_total:
        problems.append("no formula typeset on any page")
    return problems
