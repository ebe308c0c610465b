"""The viewer in a real browser: Debian's Chromium driven by Playwright against a live server.

Screenshots of every page go to screenshots/ (git-ignored). Skipped where /usr/bin/chromium is
absent; .ci/run installs it.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from .conftest import PROJECT_ROOT, DbtBuild, assert_built, run_dbt, scratch_directory

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def viewer_build(tmp_path_factory) -> Iterator[DbtBuild]:
    """A build of its own: the rebuild test below writes to it while the server reads it."""
    with scratch_directory(tmp_path_factory, "viewer_build") as workdir:
        yield assert_built(run_dbt(workdir))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(viewer_build) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SHOPPER_SPECTRUM_DB": str(viewer_build.database)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app/main.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    """A screenshot of the page once Streamlit has finished the run (no placeholders left)."""
    expect(page.locator('[data-testid="stStatusWidgetRunningIcon"]')).to_have_count(
        0, timeout=30_000
    )
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=30_000)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_every_page_works_in_a_real_browser(server, page, viewer_build):
    page.goto(server)
    expect(page.get_by_role("heading", name="Shopper Spectrum")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Customer segments")).to_be_visible()
    shoot(page, "home")

    # Search a product by part of its description, as a person would.
    product, description = viewer_build.query(
        "select product_code, description from dim_products where popularity_rank = 1 limit 1"
    )[0]
    similar = [
        r[0]
        for r in viewer_build.query(
            "select d.description from product_similarity s"
            " join dim_products d on s.similar_product_code = d.product_code"
            " where s.product_code = ? order by s.rank",
            [product],
        )
    ]
    page.get_by_role("link", name="Recommendation").click()
    expect(page.get_by_text("Each customer's list:")).to_be_visible(timeout=30_000)
    picker = page.get_by_role("combobox").first
    expect(picker).to_be_visible(timeout=30_000)
    picker.click()
    picker.fill(description[2:-2].lower())
    page.get_by_role("option", name=f"{description} · {product}").click()
    table = page.locator('[data-testid="stDataFrame"]').first
    # The grid draws on a canvas; its cells are in the DOM for assistive technology.
    expect(table.get_by_text(similar[0], exact=True)).to_be_attached(timeout=30_000)
    expect(table.get_by_text(product, exact=True)).to_have_count(0)
    assert f"product={product}" in page.url
    shoot(page, "recommendation")

    # Enter an R/F/M triple and read the segment.
    page.get_by_role("link", name="Segmentation").click()
    recency = page.get_by_label("Days since last purchase")
    expect(recency).to_be_visible(timeout=30_000)
    recency.fill("330")
    recency.press("Enter")
    page.get_by_label("Number of orders").fill("4")
    page.get_by_label("Number of orders").press("Enter")
    page.get_by_label("Net spend (£)").fill("600")
    page.get_by_label("Net spend (£)").press("Enter")
    expected = viewer_build.scalar("select predict_segment(330, 4, 600.0)")
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_have_text(
        expected, timeout=30_000
    )
    segment = viewer_build.scalar("select segment from segment_profiles order by revenue desc")
    expect(page.get_by_text(f"Download the {segment} list")).to_be_visible(timeout=30_000)
    shoot(page, "segmentation")

    page.get_by_role("link", name="Data quality").click()
    expect(page.get_by_text("Where every raw line went")).to_be_visible(timeout=30_000)
    shoot(page, "data_quality")


def test_who_moved_downloads_as_csv_and_links_to_the_customer(server, page, viewer_build):
    page.goto(f"{server}/movement")
    # Who moved since a month ago: download the transition with the most revenue at stake.
    expect(page.get_by_text("Customers at both dates")).to_be_visible(timeout=30_000)
    from_segment, to_segment, customers = viewer_build.query(
        "select from_segment, to_segment, customers from segment_transitions"
        " where is_default_pair and segmentation = 'cluster' and is_move"
        " order by revenue_90_days_before_from desc, customers desc limit 1"
    )[0]
    button = page.get_by_role("button", name=f"Download these customers (CSV, {customers:,} rows)")
    expect(button).to_be_visible(timeout=30_000)
    shoot(page, "movement")
    with page.expect_download() as download:
        button.click()
    with open(download.value.path(), newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = [
        r[0]
        for r in viewer_build.query(
            "select earlier.customer_id from fct_customer_segment_history earlier"
            " join fct_customer_segment_history later using (customer_id)"
            " join dim_snapshot_dates f on earlier.months_back = f.months_back"
            " join dim_snapshot_dates t on later.months_back = t.months_back"
            " where f.is_default_from_date and t.is_default_to_date"
            " and earlier.segment_label = ? and later.segment_label = ?"
            " order by earlier.revenue_previous_90_days desc, earlier.customer_id",
            [from_segment, to_segment],
        )
    ]
    assert [row["customer_id"] for row in rows] == expected
    assert {(row["from_segment"], row["to_segment"]) for row in rows} == {
        (from_segment, to_segment)
    }

    # One of them, on the customer page a list links to.
    page.goto(f"{server}/customer?customer={expected[0]}")
    expect(page.get_by_role("heading", name=to_segment)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Segment month by month")).to_be_visible()
    shoot(page, "customer")


def test_a_rebuild_succeeds_while_the_viewer_serves_and_the_viewer_shows_it(
    server, page, viewer_build
):
    page.goto(f"{server}/data_quality")
    expect(page.get_by_text("Where every raw line went")).to_be_visible(timeout=30_000)
    old_as_of = viewer_build.scalar(
        "select as_of_date from dim_snapshot_dates where months_back = 0"
    )

    workdir = viewer_build.database.parent
    started = time.monotonic()
    result: dict = {}
    worker = threading.Thread(
        target=lambda: result.update(
            build=run_dbt(workdir, extra_vars={"as_of_date": "2011-09-01"})
        )
    )
    worker.start()
    served = 0
    while worker.is_alive() and time.monotonic() - started < 600:
        page.goto(f"{server}/data_quality")  # the viewer keeps serving the previous build
        expect(page.get_by_text("Where every raw line went")).to_be_visible(timeout=30_000)
        served += 1
    worker.join()
    assert served >= 1
    assert_built(result["build"])
    assert str(old_as_of) != "2011-09-01"

    page.goto(f"{server}/data_quality")
    expect(page.get_by_text("01 Sep 2011")).to_be_visible(timeout=30_000)
    shoot(page, "data_quality_after_rebuild")
