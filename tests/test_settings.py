"""The settings take the database, broker and cache from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import broker_config, cache_config, database_config

ROOT = Path(__file__).resolve().parent.parent


def test_database_defaults_to_sqlite_under_var(tmp_path):
    config = database_config(None, var_dir=tmp_path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "complaints.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql(tmp_path):
    config = database_config("postgres://app:secret@db.internal:6432/complaints", var_dir=tmp_path)

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6432, "complaints")
    assert config["USER"] == "app"
    assert config["OPTIONS"]["options"] == "-c jit=off"


@pytest.mark.django_db
def test_postgresql_connections_compile_no_queries():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_broker_defaults_to_the_serverless_filesystem_transport(tmp_path):
    url, options = broker_config(None, var_dir=tmp_path)

    assert url.startswith("filesystem://")
    assert options["data_folder_in"] == options["data_folder_out"]
    assert options["data_folder_in"].startswith(str(tmp_path))


def test_broker_url_is_used_as_given_with_bounded_socket_waits_for_redis(tmp_path):
    assert broker_config("redis://localhost:6379/1", var_dir=tmp_path, socket_timeout=3) == (
        "redis://localhost:6379/1",
        {"socket_timeout": 3, "socket_connect_timeout": 3},
    )
    assert broker_config("amqp://localhost//", var_dir=tmp_path) == ("amqp://localhost//", {})


def test_redis_url_backs_the_cache():
    assert cache_config("redis://localhost:6379/0")["BACKEND"].endswith("RedisCache")
    assert cache_config(None)["BACKEND"].endswith("LocMemCache")


def _settings_in_fresh_process(env: dict[str, str]) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
        "'name': str(settings.DATABASES['default']['NAME']),"
        "'broker': settings.CELERY_BROKER_URL,"
        "'cache': settings.CACHES['default']['BACKEND'],"
        "'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_module_reads_the_environment(tmp_path):
    embedded = _settings_in_fresh_process({"VAR_DIR": str(tmp_path)})
    deployed = _settings_in_fresh_process(
        {
            "DATABASE_URL": "postgres://app@db.internal/complaints",
            "CELERY_BROKER_URL": "redis://broker.internal:6379/1",
            "REDIS_URL": "redis://cache.internal:6379/0",
        }
    )

    assert embedded["engine"].endswith("sqlite3")
    assert embedded["name"].startswith(str(tmp_path))
    assert embedded["broker"].startswith("filesystem://")
    assert embedded["cache"].endswith("LocMemCache")
    assert (embedded["tz"], embedded["lang"]) == ("Asia/Shanghai", "zh-hans")
    assert deployed["engine"] == "django.db.backends.postgresql"
    assert deployed["name"] == "complaints"
    assert deployed["broker"] == "redis://broker.internal:6379/1"
    assert deployed["cache"].endswith("RedisCache")


def test_the_redis_cache_makes_one_client_per_server_and_works_through_it():
    import redis
    from django.core.cache.backends.redis import RedisCacheClient

    from config.cache import ReusedClientRedisCache

    url = "redis://127.0.0.1:6379/7"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = ReusedClientRedisCache(url, {})
    cache.clear()

    assert cache.add("counter", 0, 60)
    assert not cache.add("counter", 5, 60)
    assert cache.incr("counter") == 1
    assert cache.get("counter") == 1
    cache.set("book", {"policies": [1, 2]}, 60)
    assert cache.get("book") == {"policies": [1, 2]}
    assert isinstance(cache._cache, RedisCacheClient)
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.clear()
