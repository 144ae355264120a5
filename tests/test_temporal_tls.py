"""mTLS to Temporal (issue 18 item 1): the client settings (TEMPORAL_TLS_SERVER_CA, TEMPORAL_TLS_CLIENT_CERT,
TEMPORAL_TLS_CLIENT_KEY) against a server that demands a client certificate, with the certificates
deploy/make-certs.sh makes for docker-compose.yml.

`temporal server start-dev` has no TLS flags, so the dev server sits behind a TLS terminator here
that requires a client certificate from the CA (as compose's Temporal does with
TEMPORAL_TLS_REQUIRE_CLIENT_AUTH) and passes the HTTP/2 stream on unchanged."""

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from models.settings import Settings
from starter.binaries import binary_path
from worker import connect

ROOT = Path(__file__).parent.parent
pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make the certificates")


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("certs")
    subprocess.run(["sh", str(ROOT / "deploy/make-certs.sh"), str(directory)], check=True, capture_output=True)
    other = tmp_path_factory.mktemp("other-ca")
    subprocess.run(["sh", str(ROOT / "deploy/make-certs.sh"), str(other)], check=True, capture_output=True)
    (directory / "stranger.pem").write_bytes((other / "web.pem").read_bytes())
    (directory / "stranger.key").write_bytes((other / "web.key").read_bytes())
    return directory


@pytest.fixture(scope="module")
async def mtls_temporal(certs):
    """The address of a Temporal that accepts only mTLS with a client certificate from `certs`."""
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter, dev_server_existing_path=binary_path("temporal"), dev_server_log_level="error"
    )
    upstream_host, upstream_port = env.client.service_client.config.target_host.rsplit(":", 1)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs / "ca.pem"))
    context.load_cert_chain(certs / "temporal.pem", certs / "temporal.key")
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def handle(client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(upstream_host, int(upstream_port))
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"localhost:{port}"
    finally:
        server.close()
        await env.shutdown()


def _settings(address: str, certs: Path, cert: str | None) -> Settings:
    files = {"TEMPORAL_TLS_SERVER_CA": str(certs / "ca.pem")}
    if cert:
        files |= {"TEMPORAL_TLS_CLIENT_CERT": str(certs / f"{cert}.pem"), "TEMPORAL_TLS_CLIENT_KEY": str(certs / f"{cert}.key")}
    return Settings(TEMPORAL_ADDRESS=address, **files)


@pytest.mark.parametrize("caller", ["worker", "web", "ops"])
async def test_the_app_connects_with_its_client_certificate(mtls_temporal, certs, caller):
    client = await connect(_settings(mtls_temporal, certs, caller))
    assert [workflow async for workflow in client.list_workflows(limit=1)] == []


@pytest.mark.parametrize(
    ("cert", "tls"),
    [(None, True), ("stranger", True), (None, False)],
    ids=["no client certificate", "certificate from another CA", "plaintext"],
)
async def test_a_caller_without_a_certificate_from_the_ca_is_refused(mtls_temporal, certs, cert, tls):
    settings = _settings(mtls_temporal, certs, cert) if tls else Settings(TEMPORAL_ADDRESS=mtls_temporal)
    with pytest.raises(RuntimeError, match="Failed client connect"):
        await asyncio.wait_for(connect(settings), timeout=30)
