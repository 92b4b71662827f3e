"""A person logs in, sees the seed desk on the dashboard, and logs out."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_login_shows_the_dashboard_with_seed_counts_and_logout_ends_the_session(
    page, live_server, e2e_user, screenshot
):
    call_command("loaddata", "seed", verbosity=0)
    e2e_user("alice")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    log_in(page, live_server, "alice")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator('[data-count="articles"]')).to_have_text("5")
    expect(page.locator('[data-count="claims"]')).to_have_text("16")
    expect(page.locator('[data-count="sources"]')).to_have_text("6")
    expect(page.get_by_text("alice · Viewers")).to_be_visible()
    screenshot("dashboard")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Newsdesk")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_password_is_refused_with_a_message(page, live_server, e2e_user):
    e2e_user("bob")
    log_in(page, live_server, "bob", password="not the password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
