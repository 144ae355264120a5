"""Serving the web app with uvicorn inside a running event loop (`complaints web`, `complaints dev`)."""

import ipaddress

import uvicorn
from sqlalchemy.engine import Engine
from temporalio.client import Client

from models.settings import DEV_WEB_SECRET, ConfigurationError, Settings
from models.tables import make_engine
from starter.web.app import create_app


def check_secret(settings: Settings, host: str) -> None:
    """The dev-only WEB_SECRET is known to everyone who has read this code: refuse it on any address
    another machine can reach (ConfigurationError, printed as one line by the CLI)."""
    if settings.web_secret != DEV_WEB_SECRET:
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            f"WEB_SECRET: set it to a long random string to listen on {host} (the dev-only default is for 127.0.0.1 only)"
        )


def server(settings: Settings, client: Client, engine: Engine, host: str, port: int) -> uvicorn.Server:
    app = create_app(settings, client, engine)
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))


async def serve(settings: Settings, host: str, port: int) -> None:
    from worker import connect

    client = await connect(settings)
    await server(settings, client, make_engine(settings.database_url), host, port).serve()
