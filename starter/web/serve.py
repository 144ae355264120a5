"""Serving the web app with uvicorn inside a running event loop (`complaints web`, `complaints dev`)."""

import uvicorn
from sqlalchemy.engine import Engine
from temporalio.client import Client

from models.settings import Settings
from models.tables import make_engine
from starter.web.app import create_app


def server(settings: Settings, client: Client, engine: Engine, host: str, port: int) -> uvicorn.Server:
    app = create_app(settings, client, engine)
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))


async def serve(settings: Settings, host: str, port: int) -> None:
    from worker import connect

    client = await connect(settings)
    await server(settings, client, make_engine(settings.database_url), host, port).serve()
