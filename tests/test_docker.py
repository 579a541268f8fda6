"""The Docker deployment gives the whole suite: the compose file's default
addons and test tags are every addon of addons/, so that a new addon cannot be
left out of the image's database. Reads the files only (no Docker engine)."""

import re
from pathlib import Path

import fsm  # the suite's runner, put on sys.path by conftest.py

COMPOSE = Path(__file__).resolve().parent.parent / "docker" / "docker-compose.yml"


def _defaults(variable):
    """Every default the compose file gives ``${variable:-…}``, as sets."""
    text = COMPOSE.read_text()
    found = re.findall(r"\$\{" + variable + r":-([^}]*)\}", text)
    assert found, f"{COMPOSE.name} never reads {variable}"
    return [set(filter(None, value.split(","))) for value in found]


def test_every_suite_addon_is_installed_by_default():
    addons = set(fsm.suite_addons())
    assert {"fsm_orders", "fsm_requests"} <= addons
    for default in _defaults("FSM_ADDONS"):
        assert default == addons


def test_every_suite_addon_is_tested_by_default():
    tags = {f"/{name}" for name in fsm.suite_addons()}
    for default in _defaults("FSM_TEST_TAGS"):
        assert default == tags


def test_the_image_carries_every_addon_and_its_requirements():
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text()
    assert re.search(r"^COPY .*\baddons /mnt/fsm-addons$", dockerfile, re.M)
    assert "requirements.txt" in dockerfile
    conf = (COMPOSE.parent / "odoo.conf").read_text()
    assert "/mnt/fsm-addons" in conf


def test_nginx_serves_the_suite_as_the_phone_benchmark_measures():
    """The compose file's nginx uses docker/nginx.conf in front of Odoo in
    production mode, and the file keeps the spellings that
    tests/benchmarks/bench_phone_network.py replaces with its own ports."""
    compose = COMPOSE.read_text()
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in compose
    assert "--workers=" in compose and "--proxy-mode" in compose
    conf = (COMPOSE.parent / "nginx.conf").read_text()
    for anchor in ("server odoo:8069;", "server odoo:8072;", "listen 80;", "/var/cache/nginx/"):
        assert conf.count(anchor) == 1, anchor
    assert re.search(r"^\s*gzip on;", conf, re.M)
    assert re.search(r"location /websocket \{[^}]*proxy_pass http://odoo_websocket;", conf)
