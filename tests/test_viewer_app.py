"""Every viewer page driven through Streamlit's AppTest against a build made by the tests."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from shopper_spectrum.viewer.explain import what_the_lists_are

from .conftest import PROJECT_ROOT, assert_built, run_dbt

MAIN = str(PROJECT_ROOT / "app" / "main.py")


@pytest.fixture
def app(sample_build, monkeypatch) -> AppTest:
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", str(sample_build.database))
    return AppTest.from_file(MAIN, default_timeout=60)


def page(app: AppTest, name: str | None = None) -> AppTest:
    if name:
        app.switch_page(f"views/{name}.py")
    app.run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def deep_link(app: AppTest, name: str, **parameters: str) -> AppTest:
    """The page opened from a link carrying `parameters` (?customer=…)."""
    app.query_params.update(parameters)
    return page(app, name)


def first_column(build, sql: str, parameters: list) -> list:
    return [row[0] for row in build.query(sql, parameters)]


def test_home_shows_the_builds_kpis_and_segments(app, sample_build):
    home = page(app)
    shown = metrics(home)
    customers, products = sample_build.query(
        "select (select count(*) from fct_customer_rfm), (select count(*) from dim_products)"
    )[0]
    assert shown["Customers"] == f"{customers:,}"
    assert shown["Products"] == f"{products:,}"
    revenue = sample_build.scalar("select sum(monetary) from fct_customer_rfm")
    assert shown["Net revenue"] == f"£{revenue:,.0f}"
    table = home.dataframe[0].value
    assert sorted(table["segment"]) == sorted(
        r[0] for r in sample_build.query("select segment from segment_profiles")
    )
    assert len(home.get("vega_lite_chart")) == 5


def test_segmentation_predicts_like_the_sql_macro_and_explains(app, sample_build):
    seg = page(app, "segmentation")
    for recency, frequency, monetary in [
        (2, 40, 50_000.0),
        (330, 4, 600.0),
        (60, 1, 40.0),
        (20, 9, 1_500.0),
    ]:
        seg.number_input(key="recency").set_value(recency)
        seg.number_input(key="frequency").set_value(frequency)
        seg.number_input(key="monetary").set_value(monetary).run()
        expected = sample_build.scalar(
            "select predict_segment(?, ?, ?)", [recency, frequency, monetary]
        )
        assert seg.success[0].value == f"**{expected}**"
        explanation = sample_build.scalar(
            "select explanation from segment_profiles where segment = ?", [expected]
        )
        assert explanation in [markdown.value for markdown in seg.markdown]


def test_segmentation_without_net_spend_says_why_not(app):
    seg = page(app, "segmentation")
    seg.number_input(key="frequency").set_value(0).run()
    assert "at least one order" in seg.warning[0].value


def test_customer_page_shows_rfm_segment_history_and_recommendations(app, sample_build):
    customer_page = page(app, "customer")
    customer = sample_build.scalar(
        "select min(customer_id) from customer_segments where segment is not null"
    )
    customer_page.text_input(key="customer").input(customer).run()
    segment, rfm_segment = sample_build.query(
        "select s.segment, r.rfm_segment from customer_segments s join fct_customer_rfm r using (customer_id)"
        " where customer_id = ?",
        [customer],
    )[0]
    assert customer_page.header[0].value == segment
    assert any(rfm_segment in markdown.value for markdown in customer_page.markdown)
    history, recommendations = (frame.value for frame in customer_page.dataframe)
    expected_history = sample_build.query(
        "select as_of_date, segment_label from fct_customer_segment_history"
        " where customer_id = ? order by as_of_date desc",
        [customer],
    )
    shown_history = zip(history["as_of_date"].dt.date, history["segment"], strict=True)
    assert list(shown_history) == expected_history
    expected = first_column(
        sample_build,
        "select product_code from customer_recommendations where customer_id = ? order by rank",
        [customer],
    )
    assert recommendations["product_code"].tolist() == expected
    assert customer_page.get("download_button")


def test_a_customer_deep_link_opens_that_customer(app, sample_build):
    customer = sample_build.scalar(
        "select max(customer_id) from customer_segments where segment is not null"
    )
    customer_page = deep_link(app, "customer", customer=customer)
    assert customer_page.text_input(key="customer").value == customer
    assert (
        metrics(customer_page)["Orders"]
        == f"{sample_build.scalar('select frequency from fct_customer_rfm where customer_id = ?', [customer]):,}"
    )


def test_unknown_customer_is_a_plain_message(app):
    customer_page = page(app, "customer")
    customer_page.text_input(key="customer").input("no-such-customer").run()
    assert "No customer with id no-such-customer" in customer_page.error[0].value


def test_segment_members_list_a_segments_customers_with_links_and_a_download(app, sample_build):
    seg = page(app, "segmentation")
    segment = sample_build.scalar("select segment from segment_profiles order by customers limit 1")
    seg.selectbox(key="segment").set_value(segment).run()
    members = seg.dataframe[-1].value
    expected = [
        r[0]
        for r in sample_build.query(
            "select s.customer_id from customer_segments s join fct_customer_rfm r using (customer_id)"
            " where s.segment = ? order by r.monetary desc, s.customer_id",
            [segment],
        )
    ]
    assert [link.removeprefix("customer?customer=") for link in members["customer_id"]] == expected
    first = expected[0]
    top = sample_build.scalar(
        "select product_code from customer_recommendations where customer_id = ? and rank = 1",
        [first],
    )
    assert members.loc[0, "recommendation_1_code"] == top
    assert f"CSV, {len(expected):,} rows)" in seg.get("download_button")[0].proto.label


def test_movement_page_shows_the_default_transitions_and_a_transitions_customers(app, sample_build):
    movement = page(app, "movement")
    from_date, to_date = (
        movement.selectbox(key="from").value,
        movement.selectbox(key="to").value,
    )
    expected_dates = sample_build.query(
        "select strftime(from_date, '%Y-%m-%d'), strftime(to_date, '%Y-%m-%d')"
        " from segment_transitions where is_default_pair limit 1"
    )[0]
    assert (from_date, to_date) == expected_dates
    present, moved, at_stake = sample_build.query(
        "select sum(customers), sum(customers) filter (where is_move),"
        " sum(revenue_90_days_before_from) filter (where is_move)"
        " from segment_transitions where is_default_pair and segmentation = 'cluster'"
    )[0]
    shown = metrics(movement)
    assert shown["Customers at both dates"] == f"{present:,}"
    assert shown["Changed segment"] == f"{moved:,}"
    assert shown["Revenue of movers, 90 days before"] == f"£{at_stake:,.0f}"
    # The first transition offered is the one with the most revenue at stake; its customers follow.
    from_segment, to_segment, customers = sample_build.query(
        "select from_segment, to_segment, customers from segment_transitions"
        " where is_default_pair and segmentation = 'cluster' and is_move"
        " order by revenue_90_days_before_from desc, customers desc limit 1"
    )[0]
    listed = movement.dataframe[0].value
    assert len(listed) == customers
    assert set(listed["from_segment"]) == {from_segment}
    assert set(listed["to_segment"]) == {to_segment}
    assert f"CSV, {customers:,} rows)" in movement.get("download_button")[0].proto.label


def test_movement_page_follows_deep_linked_dates_and_the_classic_map(app, sample_build):
    dates = [
        f"{d:%Y-%m-%d}"
        for (d,) in sample_build.query(
            "select as_of_date from dim_snapshot_dates where months_back in (6, 0) order by 1"
        )
    ]
    app.query_params.update({"from": dates[0], "to": dates[1], "scheme": "rfm"})
    movement = page(app, "movement")
    present = sample_build.scalar(
        "select sum(customers) from segment_transitions"
        " where segmentation = 'rfm' and from_months_back = 6 and to_months_back = 0"
    )
    assert metrics(movement)["Customers at both dates"] == f"{present:,}"


def test_recommendation_page_lists_similar_products_never_the_product(app, sample_build):
    rec = page(app, "recommendation")
    product = sample_build.scalar("select product_code from dim_products where popularity_rank = 1")
    rec.selectbox(key="product_picker").set_value(product).run()
    table = rec.dataframe[0].value
    expected = first_column(
        sample_build,
        "select similar_product_code from product_similarity where product_code = ? order by rank",
        [product],
    )
    assert table["product_code"].tolist() == expected
    assert product not in set(table["product_code"])
    assert rec.query_params["product"] == product
    rec.slider(key="top_n").set_value(3).run()
    assert rec.dataframe[0].value["product_code"].tolist() == expected[:3]


def test_a_product_deep_link_opens_that_product(app, sample_build):
    product = sample_build.scalar(
        "select product_code from dim_products where popularity_rank = 2 limit 1"
    )
    rec = deep_link(app, "recommendation", product=product)
    assert rec.selectbox(key="product_picker").value == product
    description = sample_build.scalar(
        "select description from dim_products where product_code = ?", [product]
    )
    assert rec.subheader[0].value == description


def test_data_quality_shows_where_every_line_went(app, sample_build):
    quality = page(app, "data_quality")
    assert (
        metrics(quality)["Raw lines read"]
        == f"{sample_build.scalar('select sum(lines) from audit_source_rows'):,}"
    )
    audit = quality.dataframe[0].value
    assert int(audit["lines"].sum()) == sample_build.scalar(
        "select sum(lines) from audit_source_rows"
    )


def test_recommendation_page_says_what_the_lists_are_and_how_they_were_chosen(app, sample_build):
    rec = page(app, "recommendation")
    chosen = sample_build.frame("select * from recommendation_evaluation where is_chosen")
    sentence = what_the_lists_are(chosen.iloc[0].to_dict())
    assert f"**Each customer's list:** {sentence}" in [markdown.value for markdown in rec.markdown]
    assert not rec.warning
    choices = rec.dataframe[-1].value
    assert choices.loc[choices["chosen"], "candidate"].tolist() == chosen["label"].tolist()
    assert choices["chosen"].sum() == 1


def test_lists_no_better_than_best_sellers_say_so(tmp_path, monkeypatch):
    only_popularity = assert_built(
        run_dbt(tmp_path, extra_vars={"recommendation_popularity_shares": [1]})
    )
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", str(only_popularity.database))
    rec = page(AppTest.from_file(MAIN, default_timeout=60), "recommendation")
    assert "no better than the best-seller chart" in rec.warning[0].value
    assert "best-sellers that each customer has not bought yet" in rec.markdown[0].value
    customer = only_popularity.scalar("select min(customer_id) from customer_recommendations")
    app = AppTest.from_file(MAIN, default_timeout=60)
    why = deep_link(app, "customer", customer=customer).dataframe[-1].value["because_description"]
    assert why.str.startswith("Popular now").all()


def test_without_a_build_every_page_says_which_command_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", str(tmp_path / "never_built.duckdb"))
    app = AppTest.from_file(MAIN, default_timeout=30)
    for name in (None, "segmentation", "movement", "customer", "recommendation", "data_quality"):
        shown = page(app, name)
        assert "uv run dbt build" in shown.info[0].value


TINY_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
TINY_EXPORTS = {
    "one line": "536365,85123A,WHITE HEART,6,12/1/10 8:26,2.55,17850,United Kingdom\n",
    "no customers": "536365,85123A,WHITE HEART,6,12/1/10 8:26,2.55,,United Kingdom\n"
    "536366,22423,CAKESTAND,1,12/2/10 8:26,12.75,,United Kingdom\n",
    "one product": "".join(
        f"53636{n},85123A,WHITE HEART,{n + 1},{n + 1}/1/10 8:26,2.55,1700{n},United Kingdom\n"
        for n in range(5)
    ),
}


@pytest.mark.parametrize("export", TINY_EXPORTS, ids=lambda name: name.replace(" ", "-"))
def test_tiny_builds_show_plain_empty_states_on_every_page(tmp_path, monkeypatch, export):
    path = tmp_path / "export.csv"
    path.write_text(TINY_HEADER + TINY_EXPORTS[export])
    build = assert_built(run_dbt(tmp_path, path))
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", str(build.database))
    app = AppTest.from_file(MAIN, default_timeout=60)
    home = page(app)
    if export == "no customers":
        assert "No customer has enough purchases" in home.info[0].value
    recommendation = page(app, "recommendation")
    if export == "no customers":
        assert "no products bought by a known customer" in recommendation.info[0].value
    else:
        recommendation.selectbox(key="product_picker").set_value("85123A").run()
        assert not recommendation.exception, recommendation.exception
        assert "Too few shared orders" in recommendation.info[0].value
    for name in ("segmentation", "movement", "customer", "data_quality"):
        page(app, name)
