"""Serving the web app with uvicorn inside a running event loop (`complaints web`, `complaints dev`)."""

import ipaddress
from urllib.parse import urlsplit

import uvicorn
from sqlalchemy.engine import Engine
from temporalio.client import Client

from models.settings import DEV_WEB_SECRET, ConfigurationError, Settings
from models.tables import make_engine
from starter.web.app import create_app


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_secret(settings: Settings, host: str) -> None:
    """Dev-only settings on an address another machine can reach are refused (ConfigurationError,
    printed as one line by the CLI): the dev WEB_SECRET is known to everyone who has read this code, and
    a localhost WEB_BASE_URL would send residents links to their own machines over plain HTTP."""
    if _loopback(host):
        return
    if settings.web_secret == DEV_WEB_SECRET:
        raise ConfigurationError(
            f"WEB_SECRET: set it to a long random string to listen on {host} (the dev-only default is for 127.0.0.1 only)"
        )
    if _loopback(urlsplit(settings.web_base_url).hostname or "localhost"):
        raise ConfigurationError(
            f"WEB_BASE_URL: set it to the public https address people use to listen on {host} (it is {settings.web_base_url})"
        )


def server(settings: Settings, client: Client, engine: Engine, host: str, port: int) -> uvicorn.Server:
    app = create_app(settings, client, engine)
    return uvicorn.Server(
        uvicorn.Config(
            app, host=host, port=port, log_level="warning", lifespan="off", forwarded_allow_ips=settings.forwarded_allow_ips
        )
    )


async def serve(settings: Settings, host: str, port: int) -> None:
    from worker import connect

    client = await connect(settings)
    await server(settings, client, make_engine(settings.database_url), host, port).serve()
